"""KB-Whisper from the Hugging Face Hub into the model cache: the one place the project downloads.

KBLab (the National Library of Sweden) publish each KB-Whisper size as one Hub repository holding the
transformers, ONNX, GGML and CTranslate2 checkpoints side by side. The CTranslate2 files sit at the root
of the main branch, under the names faster-whisper's own downloader asks for, so the same patterns pick
exactly those and nothing else. `HF_ENDPOINT` points the download at a mirror.

A model directory appears in the cache only complete: files go to a hidden `.NAME.partial-*` directory
beside it, are checked against the Hub's checksums, and the directory is renamed into place.
"""

from __future__ import annotations

import errno
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError
from .weights import cache_dir

# What faster-whisper loads from a CTranslate2 Whisper directory (its download_model uses these too).
CT2_PATTERNS = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]
SOURCE_FILE = "protokoll-source.json"  # where an installed model came from, for `models list`
SPACE_MARGIN = 64 * 1024 * 1024  # leave a little room on the disk after the download


@dataclass(frozen=True)
class HubModel:
    name: str  # what the user types: `protokoll models install kb-whisper-small`
    repo_id: str
    revision: str = "main"


HUB_MODELS = {m.name: m for m in (HubModel(f"kb-whisper-{size}", f"KBLab/kb-whisper-{size}")
                                  for size in ("tiny", "base", "small", "medium", "large"))}


def model_dir(name: str) -> Path:
    return cache_dir() / name


def is_installed(name: str) -> bool:
    return (model_dir(name) / "model.bin").is_file()


def installed() -> dict[str, dict]:
    """Installed hub models: name -> where they came from (repo, commit)."""
    found = {}
    for name in HUB_MODELS:
        if is_installed(name):
            source = model_dir(name) / SOURCE_FILE
            found[name] = json.loads(source.read_text()) if source.exists() else {}
    return found


def lookup(name: str) -> HubModel:
    model = HUB_MODELS.get(name)
    if model is None:
        raise ModelError(f"okänd modell '{name}' – unknown model; välj en av: {', '.join(HUB_MODELS)}")
    return model


def resolve_whisper_model(value: str) -> Path:
    """`--whisper-model`: a registered name (installed in the cache) or a CTranslate2 directory."""
    if value in HUB_MODELS:
        if not is_installed(value):
            raise ModelError(
                f"{value} är inte installerad – model not installed; kör 'protokoll models install {value}' "
                "(laddas ned en gång från Hugging Face)"
            )
        return model_dir(value)
    path = Path(value).expanduser()
    if path.is_dir():
        return path
    raise ModelError(
        f"'{value}' är varken en katalog eller en känd modell – unknown Whisper model; ange en "
        f"CTranslate2-katalog eller en av: {', '.join(HUB_MODELS)}"
    )


def install(name: str, log=print) -> Path:
    """Download a registered model into the cache (once); returns its directory."""
    model = lookup(name)
    target = model_dir(name)
    if is_installed(name):
        return target
    _remove_stale_partials(name)
    from huggingface_hub import HfApi, constants, snapshot_download

    endpoint = constants.ENDPOINT
    partial = target.with_name(f".{name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        api = HfApi()
        commit = api.model_info(model.repo_id, revision=model.revision).sha
        files = _ct2_files(api, model, commit)
        size = sum(f.lfs.size if f.lfs else f.size for f in files)
        _check_space(size)
        log(f"Laddar ned {model.repo_id} ({len(files)} filer, {size / 1e6:.0f} MB) från {endpoint} …")
        snapshot_download(model.repo_id, revision=commit, allow_patterns=CT2_PATTERNS, local_dir=partial)
        _verify(api, model, commit, partial, [f.path for f in files])
        shutil.rmtree(partial / ".cache", ignore_errors=True)  # the hub's download bookkeeping
        (partial / SOURCE_FILE).write_text(json.dumps({"repo_id": model.repo_id, "revision": commit,
                                                       "endpoint": endpoint}))
        if is_installed(name):  # another install finished first
            shutil.rmtree(partial)
        else:
            partial.rename(target)
    except BaseException as e:  # Ctrl-C too; after a kill, the next install removes the hidden partial
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(e, Exception) and not isinstance(e, ModelError):
            raise _explain(e, model, endpoint) from None
        raise
    return target


def _ct2_files(api, model: HubModel, commit: str) -> list:
    from huggingface_hub import RepoFile
    from huggingface_hub.utils import filter_repo_objects

    tree = [f for f in api.list_repo_tree(model.repo_id, revision=commit, recursive=True) if isinstance(f, RepoFile)]
    files = list(filter_repo_objects(tree, allow_patterns=CT2_PATTERNS, key=lambda f: f.path))
    names = {f.path for f in files}
    if "model.bin" not in names or not names & {"tokenizer.json", "vocabulary.json", "vocabulary.txt"}:
        raise ModelError(
            f"{model.repo_id} har inga CTranslate2-vikter (model.bin och vokabulär) – "
            "no CTranslate2 weights in the repository"
        )
    return files


def _check_space(size: int) -> None:
    free = shutil.disk_usage(cache_dir()).free
    if size + SPACE_MARGIN > free:
        raise ModelError(_disk_full(size, free))


def _disk_full(size: int | None = None, free: int | None = None) -> str:
    if free is None:
        free = shutil.disk_usage(cache_dir()).free
    need = f"modellen behöver {size / 1e6:.0f} MB, " if size else ""
    return (f"för lite diskutrymme i {cache_dir()} ({need}{free / 1e6:.0f} MB ledigt) – disk full; "
            "frigör plats eller sätt PROTOKOLL_CACHE till en annan disk")


def _verify(api, model: HubModel, commit: str, local: Path, expected: list[str]) -> None:
    check = api.verify_repo_checksums(model.repo_id, revision=commit, local_dir=local)
    missing = [p for p in expected if not (local / p).is_file()]
    if check.mismatches or missing:
        bad = [m["path"] for m in check.mismatches] + missing
        raise ModelError(f"nedladdningen av {model.repo_id} är ofullständig eller skadad ({', '.join(bad)}) – "
                         "checksum mismatch; försök igen")


def _remove_stale_partials(name: str) -> None:
    # Left by an install that was killed; never loaded, since only the final name counts.
    for stale in cache_dir().glob(f".{name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _transport_errors() -> tuple[type[Exception], ...]:
    """Connection refused, timeouts, dropped connections: the HTTP client's own classes."""
    try:
        import httpx2 as http  # the client of huggingface_hub >= 1.x here
    except ImportError:
        import httpx as http
    return (http.TransportError,)


def _explain(error: Exception, model: HubModel, endpoint: str) -> ModelError:
    """The hub's exception (often wrapped) as one sentence the user can act on."""
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RepositoryNotFoundError, RevisionNotFoundError

    chain, e = [], error
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return ModelError(_disk_full())
        if isinstance(e, OfflineModeIsEnabled):
            return ModelError("HF_HUB_OFFLINE är satt, så inget laddas ned – offline mode; ta bort variabeln och försök igen")
        if isinstance(e, RevisionNotFoundError):
            return ModelError(f"{model.repo_id} saknar versionen '{model.revision}' – revision not found on {endpoint}")
        if isinstance(e, RepositoryNotFoundError):
            return ModelError(f"{model.repo_id} finns inte på {endpoint} – repository not found")
        if isinstance(e, _transport_errors()):
            return ModelError(
                f"kunde inte nå {endpoint} – no network connection to the Hugging Face Hub; modellen laddas ned "
                "en gång och behöver nätet då (en spegel anges med HF_ENDPOINT)"
            )
        if isinstance(e, HfHubHTTPError) and e.response is not None:
            return ModelError(f"{endpoint} svarade {e.response.status_code} för {model.repo_id} – hub error: {e}")
    return ModelError(f"nedladdningen av {model.repo_id} misslyckades – download failed: {error}")
