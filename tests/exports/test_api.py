import hashlib
import io
import json

import pytest
from rest_framework.test import APIClient

from annotate.models import Attribution, DatasetRelease, HistoryEntry, Span
from tests.exports.conftest import open_zip, read_jsonl


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def export_url(project, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/projects/{project.pk}/export/?{params}"


@pytest.mark.parametrize("role", ["reviewer", "manager"])
def test_reviewers_and_managers_can_export(dataset, role):
    response = client_for(dataset.users[role]).get(export_url(dataset.project, format="jsonl"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == 'attachment; filename="Exports.jsonl"'
    manifest, lines = read_jsonl(content(response))
    assert len(lines) == 3
    assert response["X-Export-Sha256"] == manifest["sha256"]


def test_annotators_cannot_export(dataset):
    response = client_for(dataset.users["ann1"]).get(export_url(dataset.project, format="jsonl"))

    assert response.status_code == 403
    assert response.json()["code"] == "Forbidden"


def test_outsiders_do_not_see_the_project(dataset):
    response = client_for(dataset.users["outsider"]).get(export_url(dataset.project, format="csv"))
    assert response.status_code == 404


def test_anonymous_export_is_refused(dataset):
    assert APIClient().get(export_url(dataset.project, format="csv")).status_code in (401, 403)


def test_export_api_filters_and_splits(dataset):
    response = client_for(dataset.users["manager"]).get(
        export_url(dataset.project, format="jsonl", gold="1", split="train=0.5,test=0.5", seed="5")
    )
    manifest, lines = read_jsonl(content(response))

    assert manifest["filters"]["gold_only"] is True
    assert manifest["split"]["seed"] == 5
    assert len(lines) == 1 and lines[0]["split"] in ("train", "test")


def test_export_api_serves_zip_formats(dataset):
    response = client_for(dataset.users["reviewer"]).get(
        export_url(dataset.project, format="labelstudio")
    )
    assert response["Content-Type"] == "application/zip"
    assert "manifest.json" in open_zip(content(response)).namelist()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"format": "xml"}, "format", "not a valid choice"),
        ({}, "format", "required"),
        ({"format": "csv", "status": "done"}, "status", "Unknown status done"),
        ({"format": "csv", "split": "train=2"}, "split", "must lie in"),
        ({"format": "csv", "split": "train=0.5,test=0.4"}, "split", "sum to 0.9"),
        ({"format": "csv", "part": "train"}, "part", "needs a split"),
        ({"format": "csv", "split": "a=0.5,b=0.5", "part": "c"}, "part", "not one of a, b"),
        ({"format": "csv", "since": "yesterday"}, "since", "Datetime has wrong format"),
        ({"format": "csv", "seed": "x"}, "seed", "valid integer"),
    ],
)
def test_export_api_names_the_bad_parameter(dataset, query, field, message):
    response = client_for(dataset.users["manager"]).get(export_url(dataset.project, **query))

    assert response.status_code == 400
    body = response.json()
    assert field in json.dumps(body)
    assert message in json.dumps(body)


def test_manager_freezes_a_release_and_downloads_identical_bytes_after_an_edit(dataset, media_root):
    manager = client_for(dataset.users["manager"])
    created = manager.post(
        f"/api/projects/{dataset.project.pk}/releases/",
        {"name": "v1.0", "format": "jsonl", "filters": {"status": "accepted,gold"}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    release = created.json()
    first = content(manager.get(release["download"]))
    assert hashlib.sha256(first).hexdigest() == release["sha256"]
    assert release["manifest"]["counts"]["assignments"] == 2

    # Edit a label and the text of a note after the release.
    claim = Attribution.objects.filter(assignment=dataset.assignments["a1"]).first()
    Attribution.objects.filter(pk=claim.pk).update(note="changed after the release", version=9)
    Span.objects.filter(attribution=claim, role="cue").delete()

    later = manager.get(release["download"])
    assert later.status_code == 200
    assert later["ETag"] == f'"{release["sha256"]}"'
    assert content(later) == first
    fresh = content(
        manager.get(export_url(dataset.project, format="jsonl", status="accepted,gold"))
    )
    assert fresh != first


def test_release_creation_is_recorded_in_the_history(dataset, media_root):
    client_for(dataset.users["manager"]).post(
        f"/api/projects/{dataset.project.pk}/releases/",
        {"name": "r1", "format": "brat"},
        format="json",
    )
    entry = HistoryEntry.objects.get(action="release.created")
    assert entry.after["name"] == "r1"
    assert entry.via == "api"


def test_release_names_are_unique_per_project(dataset, media_root):
    manager = client_for(dataset.users["manager"])
    url = f"/api/projects/{dataset.project.pk}/releases/"
    assert manager.post(url, {"name": "v1", "format": "csv"}, format="json").status_code == 201

    again = manager.post(url, {"name": "v1", "format": "jsonl"}, format="json")

    assert again.status_code == 409
    assert "already has a release named 'v1'" in again.json()["detail"]
    assert DatasetRelease.objects.count() == 1


def test_releases_cannot_be_changed_or_deleted(dataset, media_root):
    manager = client_for(dataset.users["manager"])
    url = f"/api/projects/{dataset.project.pk}/releases/"
    manager.post(url, {"name": "v1", "format": "csv"}, format="json")

    assert manager.put(f"{url}v1/", {"name": "v2"}, format="json").status_code == 405
    assert manager.patch(f"{url}v1/", {"name": "v2"}, format="json").status_code == 405
    assert manager.delete(f"{url}v1/").status_code == 405


def test_reviewers_can_list_and_download_but_not_freeze_releases(dataset, media_root):
    url = f"/api/projects/{dataset.project.pk}/releases/"
    client_for(dataset.users["manager"]).post(url, {"name": "v1", "format": "csv"}, format="json")
    reviewer = client_for(dataset.users["reviewer"])

    assert [r["name"] for r in reviewer.get(url).json()] == ["v1"]
    assert reviewer.get(f"{url}v1/download/").status_code == 200
    refused = reviewer.post(url, {"name": "v2", "format": "csv"}, format="json")
    assert refused.status_code == 403
    assert client_for(dataset.users["ann1"]).get(url).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "bad name!", "format": "csv"}, "name"),
        ({"name": "v1", "format": "pdf"}, "format"),
        ({"name": "v1", "format": "csv", "filters": {"status": "nope"}}, "status"),
        ({"name": "v1", "format": "csv", "filters": "all"}, "filters"),
        (["v1"], "non_field_errors"),
    ],
)
def test_release_creation_names_the_bad_field(dataset, media_root, body, field):
    response = client_for(dataset.users["manager"]).post(
        f"/api/projects/{dataset.project.pk}/releases/", body, format="json"
    )
    assert response.status_code == 400
    assert field in json.dumps(response.json())
    assert not DatasetRelease.objects.exists()


def test_unknown_release_is_404(dataset, media_root):
    response = client_for(dataset.users["manager"]).get(
        f"/api/projects/{dataset.project.pk}/releases/nope/download/"
    )
    assert response.status_code == 404


def test_command_freezes_a_release(dataset, media_root, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "r.zip"
    err = io.StringIO()
    call_command(
        "export_annotations",
        "--project",
        "Exports",
        "--format",
        "doccano",
        "--release",
        "cli-1",
        "--user",
        dataset.users["manager"].username,
        "--out",
        str(out),
        stderr=err,
    )
    release = DatasetRelease.objects.get(name="cli-1")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == release.sha256
    assert "Release 'cli-1'" in err.getvalue()
