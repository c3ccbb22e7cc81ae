"""``stats.yaml`` → labelled figures grouped as the file groups them, for the stats and home pages.

The theme must show a new site's own figures, whatever its keys: every number of the file is a
figure, labelled from the file's optional ``labels:`` map (by dotted path, then by key), else by
its key. A top-level mapping is a group; numbers at the top form the first group; a list of
records is a table, and a chart too when each record is one label and one number. Pure: data in,
frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# Keys of stats.yaml that are about the figures, not figures.
RESERVED = frozenset({"as_of", "labels", "groups", "charts", "key_figures"})
TOP_GROUP = "基本情况"


@dataclass(frozen=True)
class Label:
    text: str
    unit: str = ""
    note: str = ""  # a line under a table or chart: 2022年为截至9月的数字


@dataclass(frozen=True)
class Figure:
    path: str  # dotted path in stats.yaml: party_members.total
    label: str
    value: Any
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A list of records: its columns (key, heading, unit) and rows, and the chart it makes, if any."""

    path: str
    title: str
    columns: tuple[tuple[str, str, str], ...]
    rows: tuple[Mapping[str, Any], ...]
    chart: str = ""  # "bar", "line" or "" (not one label and one number per record)
    note: str = ""

    @property
    def label_key(self) -> str:
        return self.columns[0][0]

    @property
    def value_key(self) -> str:
        return self.columns[1][0]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...] = ()


def label_map(stats: Mapping[str, Any]) -> dict[str, Label]:
    """``labels:`` of stats.yaml: ``key: 名称`` or ``key: {label: 名称, unit: 单位}``."""
    raw = stats.get("labels")
    labels: dict[str, Label] = {}
    if not isinstance(raw, Mapping):
        return labels
    for key, value in raw.items():
        if isinstance(value, Mapping):
            text, unit, note = (str(value.get(name, default)) for name, default in
                                (("label", key), ("unit", ""), ("note", "")))
            labels[str(key)] = Label(text, unit, note)
        elif value is not None:
            labels[str(key)] = Label(str(value))
    return labels


def label_of(path: str, labels: Mapping[str, Label]) -> Label:
    """The label of a dotted path: the path's own entry, else its last key's, else the key itself."""
    key = path.rsplit(".", 1)[-1]
    return labels.get(path) or labels.get(key) or Label(key)


def figure_groups(stats: Mapping[str, Any]) -> tuple[Group, ...]:
    """Every figure of ``stats``, in the file's order, grouped by its top-level key."""
    labels = label_map(stats)
    top: list[Figure] = []
    groups: list[Group] = []
    for key, value in stats.items():
        if key in RESERVED:
            continue
        if isinstance(value, Mapping):
            figures, tables = _walk(value, key, labels)
            if figures or tables:
                groups.append(Group(key, label_of(key, labels).text, tuple(figures), tuple(tables)))
        elif _is_records(value):  # a list at the top is a group of its own: one table (or chart)
            table = _table(value, key, labels)
            groups.append(Group(key, table.title, (), (table,)))
        elif _is_figure(value):
            top.append(_figure(value, key, labels))
    if top:
        groups.insert(0, Group("", label_of("_top", labels).text if "_top" in labels else TOP_GROUP, tuple(top)))
    return tuple(groups)


def key_figures(stats: Mapping[str, Any], count: int = 6) -> tuple[Figure, ...]:
    """The home page's figures: the paths of ``key_figures:`` in stats.yaml, else the first number of each group."""
    labels = label_map(stats)
    chosen = stats.get("key_figures")
    if isinstance(chosen, Sequence) and not isinstance(chosen, str):
        found = [(str(path), _dig(stats, str(path))) for path in chosen]
        return tuple(_figure(value, path, labels) for path, value in found if _is_figure(value))[:count]
    firsts: list[Figure] = []
    for group in figure_groups(stats):
        numbers = [f for f in group.figures if isinstance(f.value, (int, float))]
        firsts.extend(numbers[:1] if group.key else numbers)
    return tuple(firsts[:count])


def _walk(mapping: Mapping[str, Any], path: str, labels: Mapping[str, Label]) -> tuple[list[Figure], list[Table]]:
    figures: list[Figure] = []
    tables: list[Table] = []
    for key, value in mapping.items():
        inner = f"{path}.{key}"
        if isinstance(value, Mapping):
            more, more_tables = _walk(value, inner, labels)
            figures += more
            tables += more_tables
        elif _is_records(value):
            tables.append(_table(value, inner, labels))
        elif _is_figure(value):
            figures.append(_figure(value, inner, labels))
    return figures, tables


def _figure(value: Any, path: str, labels: Mapping[str, Label]) -> Figure:
    label = label_of(path, labels)
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return Figure(path, label.text, value, label.unit)


def _table(records: Sequence[Mapping[str, Any]], path: str, labels: Mapping[str, Label]) -> Table:
    keys = list(dict.fromkeys(k for record in records for k in record))
    columns = tuple((k, label_of(f"{path}.{k}", labels).text, label_of(f"{path}.{k}", labels).unit) for k in keys)
    own = label_of(path, labels)
    return Table(path, own.text, columns, tuple(records), _chart_kind(records, keys), own.note)


def _chart_kind(records: Sequence[Mapping[str, Any]], keys: list[str]) -> str:
    """bar for label + number records, line when the labels are years; "" otherwise."""
    if len(keys) != 2 or len(records) < 2:
        return ""
    name, number = keys
    if not all(_is_number(r.get(number)) and r.get(name) not in (None, "") for r in records):
        return ""
    years = all(isinstance(r[name], int) and 1900 <= r[name] <= 2100 for r in records)
    return "line" if years else "bar"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_figure(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return bool(value) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value)
    return isinstance(value, (str, int, float, date)) and not isinstance(value, bool)


def _is_records(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _dig(value: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value
