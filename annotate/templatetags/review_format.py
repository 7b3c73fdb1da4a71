"""Filters of the review screens: agreement numbers, with "n/a" for undefined values."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """0.7434 -> "0.743"; None (undefined) -> "n/a"."""
    return "n/a" if value is None else f"{value:.3f}"


@register.filter
def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{int(digits)}f}"


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")
