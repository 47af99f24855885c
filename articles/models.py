from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from .fields import VerifiedImageField
from .rendering import (
    BodyFormat,
    count_words,
    figure_ids,
    reading_minutes,
    render_body,
    with_figures,
)


class ListingQuerySet(models.QuerySet):
    """Sections, topics and authors: each has a page, feeds and a sitemap entry."""

    def public(self):
        """Those with at least one published essay; the rest are 404 to readers.

        An author or topic used only by drafts or scheduled essays is news nobody may read
        yet (an embargoed author's bio was readable by guessing the slug).
        """
        with_essays = self.model.objects.filter(articles__in=Article.objects.published())
        return self.filter(pk__in=with_essays.values("pk"))


class Listing(models.Model):
    """Something with a page listing its essays: a section, a topic or an author."""

    url_name = ""  # the URL of that page, reversed with the slug

    objects = ListingQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


class Category(Listing):
    """What sections and topics share: a unique name, a slug and a line describing it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta(Listing.Meta):
        abstract = True


class Section(Category):
    """A blog or column (e.g. "Carnegie Politika"); its name is shown above each headline."""

    url_name = "articles:section"


class Topic(Category):
    """A subject essays are filed under; an essay has any number of them."""

    url_name = "articles:topic"


class Author(Listing):
    url_name = "articles:author"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    bio = models.TextField(blank=True)
    # Shown 96 px wide: a larger upload is scaled down to 480 px, so an author page never
    # sends a reader a 40-megapixel portrait.
    photo = VerifiedImageField(
        upload_to="authors/",
        blank=True,
        max_side=480,
        help_text="JPEG, PNG, WebP or GIF; stored at most 480 px and with no EXIF/GPS data.",
    )


class Image(models.Model):
    """An uploaded picture: stored upright with no metadata, plus WebP/JPEG renditions.

    Place it in an essay body with a line of its own reading `[image:ID]`.
    """

    file = VerifiedImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=250, help_text="Describes the picture for readers who cannot see it."
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    # Where an imported picture was downloaded from, so a re-import never fetches it twice.
    source_url = models.URLField(max_length=1000, blank=True, db_index=True, editable=False)
    # {"480": {"webp": storage name, "jpeg": storage name}, …}, filled by the task worker
    # (services.render_image); empty until then, and pages show the original meanwhile.
    renditions = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.alt_text[:60]}"

    def srcset(self, fmt: str) -> str:
        return ", ".join(
            f"{default_storage.url(names[fmt])} {width}w"
            for width, names in sorted(self.renditions.items(), key=lambda item: int(item[0]))
        )

    @property
    def webp_srcset(self) -> str:
        return self.srcset("webp")

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset("jpeg")

    @property
    def fallback_url(self) -> str:
        """A mid-sized JPEG for browsers that ignore srcset; the original if none was made."""
        if not self.renditions:
            return self.file.url
        widths = sorted(self.renditions, key=int)
        return default_storage.url(self.renditions[widths[len(widths) // 2]]["jpeg"])

    @property
    def largest_size(self) -> tuple[int, int]:
        """Pixel size of the largest rendition (what og:image points at)."""
        if not self.renditions or not self.width:
            return self.width or 0, self.height or 0
        width = int(max(self.renditions, key=int))
        return width, round(self.height * width / self.width)

    @property
    def largest_jpeg_url(self) -> str:
        if not self.renditions:
            return self.file.url
        return default_storage.url(self.renditions[max(self.renditions, key=int)]["jpeg"])


class PublicationStatus(models.TextChoices):
    """Of essays and pages (`Article.Status`, `Page.Status`): only published ones are public."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: published status and a publication time that has come.

        A future `published_at` is a scheduled piece; it appears by itself when the time comes.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published pieces whose time has not come yet (the admin shows them as scheduled)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def previous_to(self, article):
        """The essay published just before this one (ties broken by id, as in the lists).

        A range from the essay's own time, not an OR of two conditions, so PostgreSQL walks
        the (status, published_at) index and stops at the first row.
        """
        return (
            self.filter(published_at__lte=article.published_at)
            .exclude(published_at=article.published_at, pk__gte=article.pk)
            .order_by("-published_at", "-pk")
            .only("title", "slug", "published_at")
            .first()
        )

    def next_to(self, article):
        return (
            self.filter(published_at__gte=article.published_at)
            .exclude(published_at=article.published_at, pk__lte=article.pk)
            .order_by("published_at", "pk")
            .only("title", "slug", "published_at")
            .first()
        )

    def related_to(self, article, limit=3, candidates=60):
        """Essays sharing the most topics with this one, newest first among equals.

        Only the newest essays in those topics (`candidates`) are considered, walking the
        publication-date index, so the cost stays small however large a topic grows.
        """
        topic_ids = [topic.pk for topic in article.topics.all()]
        if not topic_ids:
            return []
        in_topics = Article.topics.through.objects.filter(
            article=OuterRef("pk"), topic_id__in=topic_ids
        )
        shared_count = in_topics.order_by().values("article").annotate(n=Count("pk")).values("n")
        newest = (
            self.exclude(pk=article.pk)
            .filter(Exists(in_topics))
            .order_by("-published_at", "-pk")
            .annotate(shared=Subquery(shared_count))  # computed for the candidates only
            .select_related("section")
            .only("title", "slug", "published_at", "section__name", "section__slug")
        )
        return sorted(newest[:candidates], key=lambda a: -a.shared)[:limit]  # stable sort

    def with_byline(self):
        """Everything a list item or article header shows, in a fixed number of queries."""
        return self.select_related("section", "featured_image").prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
        )


@reversion.register(exclude=["search_vector"], follow=["bylines"])
class Article(models.Model):
    Status = PublicationStatus

    title = models.CharField("headline", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.TextField(help_text="One paragraph shown under the headline.")
    body = models.TextField(help_text="Markdown, or HTML if the body format says so.")
    body_format = models.CharField(
        max_length=10,
        choices=BodyFormat,
        default=BodyFormat.MARKDOWN,
        help_text="Imported posts keep their sanitised HTML, so nothing readers saw is lost.",
    )
    body_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    featured_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the piece. Left empty, publishing sets it to now.",
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown as “Updated” when a significant edit was made."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    allow_comments = models.BooleanField(default=True)
    seo_title = models.CharField("SEO title", max_length=70, blank=True)
    seo_description = models.CharField("SEO description", max_length=160, blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Where an imported essay came from (e.g. a Blogger entry id), and a digest of the entry
    # as last imported: a re-import updates the essay only when the export itself changed.
    source_id = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    # PostgreSQL full-text search, kept up to date by signals.py (GIN index created by
    # migration 0008 on PostgreSQL only). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Approved comments only; kept up to date by comments.services on every status change.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # "Essay" wherever the admin names it: that is what the site and its README call them.
        verbose_name = "essay"
        verbose_name_plural = "essays"
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_pub_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PublicationStatus.DRAFT) | Q(published_at__isnull=False),
                name="article_published_has_date",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body, self.body_format)
        self.word_count = count_words(self.body_html)
        self.fill_publication_time()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        # Before constraint validation in the admin: publishing with no time means "now".
        self.fill_publication_time()

    def fill_publication_time(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def body_with_figures(self, *, base_url: str = "") -> str:
        """Safe HTML of the body with its images placed (one query, none without images)."""
        ids = figure_ids(self.body_html)
        images = Image.objects.in_bulk(ids) if ids else {}
        return with_figures(self.body_html, images, base_url=base_url)

    @property
    def reading_time(self) -> int:
        """Minutes, rounded up."""
        return reading_minutes(self.word_count)

    @property
    def is_live(self) -> bool:
        """The same rule as `ArticleQuerySet.published()`, for one article already loaded."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_live

    @property
    def author_list(self) -> list[Author]:
        """Authors in byline order; uses the prefetch from `with_byline()` when present."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def comments_open(self) -> bool:
        """Open unless switched off, or older than COMMENTS_CLOSE_AFTER_DAYS (0 = never close)."""
        if not self.allow_comments:
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        if days and self.published_at:
            return timezone.now() < self.published_at + timedelta(days=days)
        return True

    @property
    def show_updated(self) -> bool:
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)


@reversion.register()
class ArticleAuthor(models.Model):
    """An author on an article's byline, in the order the editor set."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "byline"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class PageQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule for pages: only published ones are ever public."""
        return self.filter(status=Page.Status.PUBLISHED)


@reversion.register()
class Page(models.Model):
    """A standing page (About, Contact), linked from every page's footer."""

    Status = PublicationStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField(help_text="Markdown, or HTML if the body format says so.")
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the footer.")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    source_id = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body, self.body_format)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": self.slug})


REDIRECT_TARGETS = ("article", "page", "section", "topic", "author")


def _exactly_one_set(names) -> Q:
    either = Q()
    for chosen in names:
        either |= Q(**{f"{name}__isnull": name != chosen for name in names})
    return either


class LegacyRedirect(models.Model):
    """An old address answering 301: Blogger's /2019/03/slug.html or /p/about.html, WordPress's
    /2019/03/slug/, /?p=42, /category/name/ or /author/login/. Exactly one target is set."""

    TARGETS = REDIRECT_TARGETS

    old_path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_paths"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_paths"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_paths"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_paths"
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_paths"
    )

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_set(REDIRECT_TARGETS),
                name="legacy_redirect_one_target",
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.target}"

    @property
    def target(self):
        return next(getattr(self, name) for name in self.TARGETS if getattr(self, f"{name}_id"))


class ImportRun(models.Model):
    """One run of an importer, with a journal of what it changed, so it can be undone.

    Imports commit in batches (memory and lock time stay small); if a run fails or is
    killed, `importers.journal.undo()` deletes what it created and restores what it updated.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        UNDONE = "undone", "Undone"

    source = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.source} ({self.get_status_display()})"


class ImportChange(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=100)  # "app_label.modelname"
    object_id = models.PositiveBigIntegerField()
    # The row before the run changed it (Django's JSON serialisation); empty: the run made it.
    previous = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.model} #{self.object_id}"
