"""The hot path of POST /api/attributions/ takes well-formed input without the serializer; it must
accept nothing the serializer refuses and give the same values for what it takes."""

import math

import pytest

from annotate.api.serializers import (
    MAX_ID,
    MAX_OFFSET,
    AttributionCreateSerializer,
    plain_attribution_create,
)

GOOD = {
    "assignment": 7,
    "content": [[10, 20], [30, 40]],
    "source": [0, 5],
    "cue": [6, 9],
    "speaker": 3,
    "type": "direct",
    "stances": [
        {"target_actor": 4, "polarity": "favor"},
        {"target_topic": "  talks ", "polarity": " against"},
    ],
}

VARIANTS = [
    {},
    {"source": None, "cue": None, "speaker": None, "stances": []},
    {"stances": None},
    {"nested_in": 12, "category": "policy", "note": "  checked  ", "confidence": 0.5},
    {"confidence": 1},
    {"confidence": 0},
    {"confidence": True},
    {"confidence": 1.5},
    {"confidence": math.nan},
    {"confidence": "0.5"},
    {"category": "   "},
    {"category": None},
    {"note": "x" * 10001},
    {"note": "a\x00b"},
    {"note": "bad \ud800 surrogate"},
    {"note": "Ça va 😀"},
    {"type": ""},
    {"type": "  "},
    {"type": None},
    {"type": 5},
    {"type": "t" * 64},
    {"type": "t" * 65},
    {"type": " " + "t" * 64 + " "},
    {"assignment": 0},
    {"assignment": True},
    {"assignment": "7"},
    {"assignment": MAX_ID},
    {"assignment": MAX_ID + 1},
    {"content": []},
    {"content": [[1, 2]] * 100},
    {"content": [[1, 2]] * 101},
    {"content": [[1, 2, 3]]},
    {"content": [[1]]},
    {"content": [[-1, 2]]},
    {"content": [[1, MAX_OFFSET]]},
    {"content": [[1, MAX_OFFSET + 1]]},
    {"content": [[1.0, 2]]},
    {"content": [["1", 2]]},
    {"content": [[False, 2]]},
    {"content": "1-2"},
    {"content": {"a": 1}},
    {"source": [1, 2, 3]},
    {"cue": "said"},
    {"speaker": -1},
    {"speaker": 2.0},
    {"nested_in": "x"},
    {"unknown": "ignored"},
    {"stances": [{"polarity": "favor"}]},
    {"stances": [{"target_actor": 1, "target_topic": "both", "polarity": "favor"}]},
    {"stances": [{"target_actor": 1, "target_topic": "   ", "polarity": "favor"}]},
    {"stances": [{"target_actor": None, "target_topic": "t", "polarity": "favor"}]},
    {"stances": [{"target_actor": 1}]},
    {"stances": [{"target_actor": 1, "polarity": ""}]},
    {"stances": [{"target_topic": None, "target_actor": 1, "polarity": "x"}]},
    {"stances": [{"target_topic": "t" * 301, "polarity": "x"}]},
    {"stances": [{"target_actor": 1, "polarity": "x", "extra": 1}]},
    {"stances": [{"target_actor": 1, "polarity": "x"}] * 101},
    {"stances": ["favor"]},
    {"stances": {"target_actor": 1, "polarity": "x"}},
]


def drop(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


CASES = [{**GOOD, **variant} for variant in VARIANTS] + [
    drop(GOOD, key) for key in ("assignment", "content", "type", "stances", "source")
]


@pytest.mark.parametrize("body", [*CASES, [], "text", None])
def test_the_hot_path_agrees_with_the_serializer(body):
    serializer = AttributionCreateSerializer(data=body)
    valid = serializer.is_valid()
    plain = plain_attribution_create(body)
    if plain is None:
        return  # the serializer judges it, as before
    assert valid, f"the hot path accepted what the serializer refuses: {serializer.errors}"
    expected = {
        key: [dict(item) for item in value] if key == "stances" else value
        for key, value in serializer.validated_data.items()
    }
    assert plain == expected


def test_the_usual_request_takes_the_hot_path():
    assert plain_attribution_create(GOOD) is not None
