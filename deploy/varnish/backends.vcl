# The app nodes (gunicorn), included by site.vcl. One node is enough; with several, requests
# are spread round-robin over the healthy ones. Health comes from the app's /healthz.
import directors;

probe healthz {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 1s;
    .window = 5;
    .threshold = 3;
}

backend node1 {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = healthz;
}

# backend node2 {
#     .host = "10.0.0.12";
#     .port = "8000";
#     .probe = healthz;
# }

sub vcl_init {
    new nodes = directors.round_robin();
    nodes.add_backend(node1);
    # nodes.add_backend(node2);
}

sub pick_node {
    set req.backend_hint = nodes.backend();
}
