"""manage.py export_site: the files it writes, what it prints, its choices."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_site", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_both_files_named_after_the_site_with_counts_and_progress(site, tmp_path):
    out, err = run("--output", str(tmp_path / "new"))
    names = sorted(p.name for p in (tmp_path / "new").iterdir())
    assert len(names) == 2
    assert re.fullmatch(r"the-essay-review-\d{8}-\d{6}\.wxr\.xml", names[0])
    assert names[1] == names[0].replace(".wxr.xml", ".zip")
    assert "4 essays" in out and "6 comments" in out and "2 pages" in out
    assert all(f"{tmp_path / 'new' / name}" in out for name in names)
    assert "] 4/4" in err  # the progress bar, on stderr


def test_the_files_are_readable_by_their_owner_only(site, tmp_path):
    """They hold every commenter's email and address: no other account on the host reads them."""
    run("--output", str(tmp_path))
    assert {p.stat().st_mode & 0o777 for p in tmp_path.iterdir() if p.is_file()} == {0o600}


def test_one_format_and_revisions(site, tmp_path):
    run("--output", str(tmp_path), "--format", "wxr")
    assert [p.suffix for p in tmp_path.iterdir() if p.is_file()] == [".xml"]
    out, _ = run("--output", str(tmp_path / "j"), "--format", "json", "--revisions", "-v", "0")
    assert "revisions" in out
    assert [p.suffix for p in (tmp_path / "j").iterdir()] == [".zip"]


def test_an_output_that_is_a_file_is_refused(db, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        run("--output", str(tmp_path / "file"))
