"""Files of a change that failed: deleted at once when the service fails, or by the nightly sweep."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from guanjia.requests import services as s
from guanjia.workflow.attachments import remember_stored, removed_if_failed, sweep_orphans
from guanjia.workflow.models import Attachment


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A media folder of this test's own, so that no other test's files are swept or counted."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 ...", content_type="application/pdf")


def files_in(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def raise_with(world, *uploads, **overrides):
    data = {"actor": world.ent1_user, "enterprise": world.ent1, "source": "portal", "category": "factors",
            "title": "厂区二期用电增容", "description": "二期厂房投产需增容至 2000 kVA。", "attachments": uploads}
    return s.request_raise(**{**data, **overrides})


def fail_on_save(monkeypatch, call: int) -> None:
    """The `call`-th attachment row fails to insert, after its file has been written."""
    calls = []
    save = Attachment.save

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == call:
            raise DatabaseError("disk I/O error")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", failing)


def test_a_raise_that_fails_after_writing_its_files_leaves_none(world, media, monkeypatch):
    fail_on_save(monkeypatch, call=2)  # the first file and its row went in, the second file was written
    with pytest.raises(DatabaseError):
        raise_with(world, pdf("一.pdf"), pdf("二.pdf"))
    assert files_in(media) == []
    assert not Attachment.objects.exists()


def test_a_raise_that_succeeds_keeps_its_files(world, media):
    request = raise_with(world, pdf("一.pdf"), pdf("二.pdf"))
    stored = sorted(media / name for name in request.attachments.values_list("file", flat=True))
    assert files_in(media) == stored and len(stored) == 2


@pytest.mark.parametrize("service", ["supply", "add_note", "unit_feedback"])
def test_every_service_that_stores_files_removes_them_when_it_fails(world, media, monkeypatch, service):
    request = raise_with(world)
    if service == "unit_feedback":
        s.request_accept(actor=world.butler1, request=request)
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
        s.request_unit_sign(actor=world.unit_user1, request=request)
    actor = {"supply": world.ent1_user, "add_note": world.butler1, "unit_feedback": world.unit_user1}[service]
    fail_on_save(monkeypatch, call=1)
    with pytest.raises(DatabaseError):
        getattr(s, f"request_{service}")(actor=actor, request=request, comment="材料见附件",
                                         attachments=[pdf()])
    assert files_in(media) == []


def test_a_failure_after_the_service_is_left_to_the_sweep(world, media):
    """Inside an outer transaction that rolls back, the service succeeded: its file outlives the rows."""
    kept = raise_with(world, pdf("留.pdf"))
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_with(world, pdf("孤儿.pdf"), title="另一件")
        raise RuntimeError("the caller's own step failed")
    orphan = next(path for path in files_in(media) if path.parent.name != str(kept.item_id))
    kept_file = media / kept.attachments.get().file.name

    assert sweep_orphans().deleted == []  # a file younger than a day may belong to a change in progress
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    listed = sweep_orphans(now=tomorrow, dry_run=True)
    assert listed.deleted == [orphan.relative_to(media).as_posix()] and listed.checked == 2
    assert orphan.exists()

    assert sweep_orphans(now=tomorrow).deleted == listed.deleted
    assert files_in(media) == [kept_file]


def test_the_sweep_walks_items_in_batches(world, media, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("guanjia.workflow.attachments.SWEEP_BATCH", 2)
    requests = [raise_with(world, pdf(), title=f"第{n}件") for n in range(3)]
    Attachment.objects.filter(item=requests[1].item_id).delete()
    (media / "items" / "not-an-item").mkdir()
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    with django_assert_num_queries(2):  # one per batch of two items' folders
        result = sweep_orphans(now=tomorrow)
    assert [Path(name).parent.name for name in result.deleted] == [str(requests[1].item_id)]
    assert result.checked == 3


def test_the_sweep_keeps_files_from_before_the_kernel_that_rows_still_name(world, media):
    """Files stored before the workflow kernel stay under requests/<request id>/, named by their rows."""
    kept = raise_with(world, pdf())
    attachment = kept.attachments.get()
    legacy = f"requests/{kept.pk}/{Path(attachment.file.name).name}"
    (media / legacy).parent.mkdir(parents=True)
    (media / attachment.file.name).rename(media / legacy)
    Attachment.objects.filter(pk=attachment.pk).update(file=legacy)
    (media / "requests" / str(kept.pk) / "orphan.pdf").write_bytes(b"%PDF-1.4")
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert sweep_orphans(now=tomorrow).deleted == [f"requests/{kept.pk}/orphan.pdf"]
    assert (media / legacy).exists()


def test_the_sweep_of_an_empty_archive_does_nothing(media, db):
    assert sweep_orphans().checked == 0


def test_the_command_lists_and_deletes(world, media, capsys):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_with(world, pdf("孤儿.pdf"))
        raise RuntimeError
    call_command("sweep_attachments", "--dry-run", "--hours", "1")
    assert "未被引用的 0 个" in capsys.readouterr().out  # an hour has not passed
    (orphan,) = files_in(media)
    old = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(orphan, (old, old))
    call_command("sweep_attachments", "--hours", "1")
    out = capsys.readouterr().out
    assert orphan.relative_to(media).as_posix() in out and "删除未被引用的 1 个" in out
    assert files_in(media) == []
    with pytest.raises(CommandError):
        call_command("sweep_attachments", "--hours", "0")


def test_a_service_inside_a_failing_one_loses_its_files_too(media):
    @removed_if_failed
    def inner():
        remember_stored(default_storage.save("requests/1/inner.pdf", ContentFile(b"%PDF")))

    @removed_if_failed
    def outer():
        inner()
        remember_stored(default_storage.save("requests/1/outer.pdf", ContentFile(b"%PDF")))
        raise DatabaseError("commit failed")

    inner()
    with pytest.raises(DatabaseError):
        outer()
    assert [path.name for path in files_in(media)] == ["inner.pdf"]  # the first call's file was not outer's


def test_the_nightly_job_sweeps(world, media):
    from guanjia.workflow.tasks import sweep_attachment_files

    with pytest.raises(RuntimeError), transaction.atomic():
        raise_with(world, pdf("孤儿.pdf"))
        raise RuntimeError
    (orphan,) = files_in(media)
    old = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    assert sweep_attachment_files.call_local() == 1
    assert files_in(media) == []


# -- files that went missing ------------------------------------------------------------------------------------
def test_an_attachment_whose_file_is_missing_answers_404_with_a_message(client, world, media):
    request = raise_with(world, pdf("负荷计算.pdf"))
    attachment = request.attachments.get()
    url = reverse("requests:attachment", args=[request.pk, attachment.pk])
    client.force_login(world.butler1)
    assert client.get(url).status_code == 200

    (media / attachment.file.name).unlink()
    response = client.get(url)
    assert response.status_code == 404
    assert "附件“负荷计算.pdf”的文件已丢失" in response.content.decode()
    assert "不在您的查看范围内" not in response.content.decode()


def test_the_missing_attachments_command_lists_them_and_fails(world, media):
    kept = raise_with(world, pdf("留.pdf"))
    lost = raise_with(world, pdf("丢一.pdf"), pdf("丢二.pdf"), title="另一件")
    out = io.StringIO()
    call_command("missing_attachments", stdout=out)
    assert "所有附件的文件都在" in out.getvalue()

    gone = list(lost.attachments.order_by("pk"))
    for attachment in gone:
        (media / attachment.file.name).unlink()
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 个附件的文件缺失") as failure:
        call_command("missing_attachments", stdout=out)
    assert failure.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[1:] == [f"{a.pk}\t{lost.number}\t{a.name}\t{a.file.name}" for a in gone]
    assert kept.attachments.get().file.name not in out.getvalue()
