"""Export → Site exports: superusers only, the files private, the newest three kept."""

import io
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.urls import reverse

from exports.models import SiteExport
from exports.services import prune_old_exports
from tests.factories import make_article, make_comment, make_editor

CHANGELIST = reverse("admin:exports_siteexport_changelist")
REQUEST = reverse("admin:exports_siteexport_request")


def download_url(export, kind):
    return reverse("admin:exports_siteexport_download", args=[export.pk, kind])


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("owner", "owner@example.org", "pw-owner-1")
    client.force_login(user)
    return client


@pytest.fixture
def finished_export(superuser_client, django_capture_on_commit_callbacks):
    article = make_article("Exported essay")
    make_comment(article, author_email="private@example.org", ip_address="192.0.2.9")
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(REQUEST)
    assert response.status_code == 302
    return SiteExport.objects.get()


def test_a_superuser_requests_an_export_and_downloads_both_files(superuser_client, finished_export):
    export = finished_export
    assert export.status == SiteExport.Status.DONE
    assert export.requested_by.username == "owner"
    page = superuser_client.get(CHANGELIST).text
    assert "Request a new export" in page
    assert 'http-equiv="refresh"' not in page  # nothing is being prepared
    for kind in ("wxr", "zip"):
        assert download_url(export, kind) in page
    response = superuser_client.get(download_url(export, "wxr"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{export.wxr_name}"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert len(body) == export.wxr_size
    channel = ElementTree.fromstring(body).find("channel")
    assert channel.find("item").findtext("title") == "Exported essay"
    assert b"private@example.org" in body
    archive = b"".join(superuser_client.get(download_url(export, "zip")).streaming_content)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert "revisions.jsonl" in zf.namelist()
        assert b"192.0.2.9" in zf.read("comments.jsonl")


def test_a_pending_export_says_it_is_being_prepared_and_refreshes(superuser_client):
    SiteExport.objects.create()  # its task has not run yet
    page = superuser_client.get(CHANGELIST).text
    assert "Being prepared" in page
    assert '<meta http-equiv="refresh" content="10">' in page


def test_the_request_is_a_post_with_csrf(superuser_client, client):
    assert superuser_client.get(REQUEST).status_code == 405
    page = superuser_client.get(CHANGELIST).text
    assert f'<form method="post" action="{REQUEST}"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_staff_who_are_not_superusers_get_403_and_no_link(
    finished_export, client, django_capture_on_commit_callbacks
):
    client.force_login(make_editor())
    assert client.get(CHANGELIST).status_code == 403
    for kind in ("wxr", "zip"):
        assert client.get(download_url(finished_export, kind)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REQUEST).status_code == 403
    assert SiteExport.objects.count() == 1
    index = client.get(reverse("admin:index")).text
    assert "Site exports" not in index and CHANGELIST not in index


def test_anonymous_visitors_are_sent_to_sign_in(finished_export, client):
    client.logout()
    for url in (CHANGELIST, download_url(finished_export, "zip")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(REQUEST)
    assert response.status_code == 302 and SiteExport.objects.count() == 1


def test_the_files_are_not_under_media_root(finished_export, settings):
    root = Path(settings.EXPORTS_ROOT).resolve()
    for name, _size in finished_export.files().values():
        path = root / name
        assert path.is_file()
        assert not path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_exports_root_inside_media_root_is_a_system_check_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_ROOT = tmp_path / "media" / "exports"
    assert "exports.E001" in {error.id for error in run_checks()}
    settings.EXPORTS_ROOT = tmp_path / "exports"
    assert "exports.E001" not in {error.id for error in run_checks()}


def test_only_the_newest_three_exports_are_kept(db, settings):
    root = Path(settings.EXPORTS_ROOT)
    root.mkdir(parents=True)
    exports = []
    for n in range(5):
        (root / f"e{n}.zip").write_bytes(b"x")
        exports.append(
            SiteExport.objects.create(status=SiteExport.Status.DONE, archive_name=f"e{n}.zip")
        )
    assert prune_old_exports() == 2
    assert sorted(p.name for p in root.iterdir()) == ["e2.zip", "e3.zip", "e4.zip"]
    assert set(SiteExport.objects.values_list("pk", flat=True)) == {e.pk for e in exports[2:]}


def test_a_file_name_cannot_reach_outside_the_exports_folder(superuser_client, settings, tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    export = SiteExport.objects.create(status=SiteExport.Status.DONE, wxr_name="../secret.txt")
    assert superuser_client.get(download_url(export, "wxr")).status_code == 404
