from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import is_postgres, refresh_search_vectors


class Command(BaseCommand):
    help = "Recompute every essay's search vector (after changing SEARCH_CONFIG, for example)."

    def handle(self, *args, verbosity=1, **options):
        if not is_postgres():
            if verbosity:
                self.stdout.write("Nothing to do: search vectors exist only on PostgreSQL.")
            return
        ids = list(Article.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            refresh_search_vectors(ids[start : start + 5000])
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Search vectors rebuilt for {len(ids)} essays."))
