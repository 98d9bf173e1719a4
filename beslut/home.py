"""Where beslut keeps its data: --home, else $BESLUT_HOME, else the platform's data dir."""

import os
from pathlib import Path

import platformdirs

ENV_VAR = "BESLUT_HOME"


def resolve_home(option: str | os.PathLike | None = None) -> Path:
    if option:
        return Path(option).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path(platformdirs.user_data_dir("beslut", appauthor=False))
