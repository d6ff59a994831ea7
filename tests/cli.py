"""What the tests of the installed `memery` command share: the command itself, the colour model's arguments,
an environment that can never reach the network, and a runner that captures what the command says."""
import os, subprocess, sys
from pathlib import Path

MEMERY = str(Path(sys.executable).parent/'memery')
COLOURS = ['--model', 'memery.testing:colour_model', '--pretrained', 'none']
# a port nothing listens on: a download of weights fails at once instead of reaching the network
NO_HUB = 'http://127.0.0.1:9'


def offline_env(tmp_path: Path, **more: str) -> dict[str, str]:
    "This environment, offline: an empty weights cache in `tmp_path`, indexes in their folders, and `more`."
    weights = str(tmp_path/'hf-cache')
    return {**os.environ, 'HF_ENDPOINT': NO_HUB, 'HF_HUB_CACHE': weights, 'MEMERY_INDEX_DIR': '', **more}


def memery(*args, env: dict[str, str] | None, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    "Run the installed `memery` with `args` (as strings) in `env`, and capture what it says as text."
    return subprocess.run([MEMERY, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout,
                          **kw)
