"""Fixtures for the importer tests."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as PILImage


class _Pictures(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/big.png":
            self.send_error(404)
            return
        buffer = io.BytesIO()
        PILImage.new("RGB", (900, 600), "teal").save(buffer, "PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(buffer.getvalue())

    def log_message(self, *args):
        pass


@pytest.fixture
def picture_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    # A short poll: shutdown() waits for it (0.5 s by default, at every test's end).
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
