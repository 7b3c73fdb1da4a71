import json
from pathlib import Path

import pytest
from django.conf import settings

DEMO_DATA = Path(settings.BASE_DIR) / "demo_data"
SEEDS = DEMO_DATA / "seeds"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
