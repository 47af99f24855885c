from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import prepare_rebuild, refresh_search_vectors


class Command(BaseCommand):
    help = (
        "Re-index every essay for search: the PostgreSQL text search configuration and vectors "
        "(after changing SEARCH_CONFIG or installing unaccent), or SQLite's FTS5 table."
    )

    def handle(self, *args, verbosity=1, **options):
        folded = prepare_rebuild()
        ids = list(Article.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            refresh_search_vectors(ids[start : start + 5000])
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {len(ids)} essays."))
            if not folded:
                self.stdout.write(
                    self.style.WARNING(
                        "Accents are not folded: the unaccent extension could not be created "
                        "(as a superuser: CREATE EXTENSION unaccent; then run this again)."
                    )
                )
