"""A Hugging Face Hub on 127.0.0.1 serving model repositories from local directories.

Just the endpoints huggingface_hub's snapshot_download, list_repo_tree and verify_repo_checksums use:

    GET  /api/models/{repo}[/revision/{rev}]   model info: sha (the commit) and siblings
    GET  /api/models/{repo}/tree/{rev}          files with size, git oid, and lfs sha256 for large files
    HEAD /{repo}/resolve/{rev}/{path}           X-Repo-Commit, ETag, Content-Length
    GET  /{repo}/resolve/{rev}/{path}           the bytes (Range honoured, so a retry resumes)

Unknown repositories and revisions answer 404 with the Hub's X-Error-Code, so the client raises its
real RepositoryNotFoundError / RevisionNotFoundError. `stall_after` holds a download mid-file, for
tests that kill the downloader while a model is half on disk.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LFS_THRESHOLD = 10 * 1024 * 1024  # the Hub stores large files in LFS: their tree entry carries a sha256


class Repo:
    def __init__(self, files: dict[str, Path]):
        self.files = files  # path in repo -> file on disk

    @cached_property
    def entries(self) -> dict[str, dict]:
        out = {}
        for path, source in sorted(self.files.items()):
            size = source.stat().st_size
            sha1, sha256 = hashlib.sha1(f"blob {size}\0".encode()), hashlib.sha256()
            with source.open("rb") as f:
                while chunk := f.read(1 << 20):
                    sha1.update(chunk)
                    sha256.update(chunk)
            entry = {"type": "file", "path": path, "size": size, "oid": sha1.hexdigest()}
            if size >= LFS_THRESHOLD:
                entry["lfs"] = {"oid": sha256.hexdigest(), "size": size, "pointerSize": 134}
            out[path] = entry
        return out

    @cached_property
    def commit(self) -> str:
        return hashlib.sha1(json.dumps(self.entries, sort_keys=True).encode()).hexdigest()

    def etag(self, path: str) -> str:
        entry = self.entries[path]
        return entry["lfs"]["oid"] if "lfs" in entry else entry["oid"]


class LocalHub:
    """with LocalHub({"KBLab/kb-whisper-base": {"model.bin": path, ...}}) as hub: HF_ENDPOINT=hub.url"""

    def __init__(self, repos: dict[str, dict[str, Path]], port: int = 0):
        self.repos = {repo_id: Repo(files) for repo_id, files in repos.items()}
        self.requests: list[str] = []
        self.stall_after: int | None = None  # bytes of a file sent before the download hangs
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> LocalHub:
        for repo in self.repos.values():
            repo.commit  # hash before serving, not inside the client's timeout
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _handler(hub: LocalHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet; the test reads hub.requests instead
            pass

        def do_GET(self) -> None:
            self._route(body=True)

        def do_HEAD(self) -> None:
            self._route(body=False)

        def _route(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            hub.requests.append(f"{self.command} {path}")
            parts = path.strip("/").split("/")
            if parts[:2] == ["api", "models"] and len(parts) >= 4:
                repo_id, rest = "/".join(parts[2:4]), parts[4:]
                if not rest or rest[0] == "revision":
                    return self._info(repo_id, rest[1] if len(rest) > 1 else "main")
                if rest[0] == "tree" and len(rest) >= 2:
                    return self._tree(repo_id, rest[1], "/".join(rest[2:]))
            if len(parts) >= 5 and parts[2] == "resolve":
                return self._file("/".join(parts[:2]), parts[3], "/".join(parts[4:]), body)
            self._error(404, "EntryNotFound", f"no route {path}")

        def _repo(self, repo_id: str, revision: str) -> Repo | None:
            repo = hub.repos.get(repo_id)
            if repo is None:
                self._error(404, "RepoNotFound", f"Repository Not Found: {repo_id}")
            elif revision not in ("main", repo.commit):
                self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            else:
                return repo
            return None

        def _info(self, repo_id: str, revision: str) -> None:
            if repo := self._repo(repo_id, revision):
                self._json({"id": repo_id, "modelId": repo_id, "sha": repo.commit, "private": False,
                            "siblings": [{"rfilename": p} for p in repo.entries]})

        def _tree(self, repo_id: str, revision: str, folder: str) -> None:
            if repo := self._repo(repo_id, revision):
                self._json([e for p, e in repo.entries.items() if not folder or p.startswith(folder + "/")])

        def _file(self, repo_id: str, revision: str, name: str, body: bool) -> None:
            repo = self._repo(repo_id, revision)
            if repo is None:
                return
            if name not in repo.files:
                return self._error(404, "EntryNotFound", f"{name} does not exist")
            size = repo.entries[name]["size"]
            start = 0
            if body and (range_ := self.headers.get("Range", "")).startswith("bytes="):
                start = int(range_[6:].split("-")[0] or 0)
            self.send_response(206 if start else 200)
            self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("ETag", f'"{repo.etag(name)}"')
            self.send_header("Content-Length", str(size - start))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            self.end_headers()
            if body:
                self._send(repo.files[name], start)

        def _send(self, source: Path, start: int) -> None:
            sent = start
            with source.open("rb") as f:
                f.seek(start)
                while chunk := f.read(1 << 20):
                    if hub.stall_after is not None and sent >= hub.stall_after:
                        hub.release.wait(120)
                        self.close_connection = True
                        return
                    self.wfile.write(chunk)
                    sent += len(chunk)

        def _json(self, payload) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _error(self, status: int, code: str, message: str) -> None:
            data = json.dumps({"error": message}).encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return Handler
