"""``site_config.yaml``: its schema, defaults and validation into typed, frozen settings.

A key the schema does not know is an error naming its line (with the nearest known key as a
hint), so a typo fails the build instead of silently doing nothing. Free-form settings for
templates go under ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from civicpress.errors import Findings, Location, SiteError
from civicpress.fields import FieldTable, checked
from civicpress.sitefolder import CONFIG_FILE
from civicpress.sources import YamlDocument, check_size, decode, load_yaml
from civicpress.urls import SLUG_STYLES

DEFAULT_PERMALINK = "/:section/:slug/"


@dataclass(frozen=True)
class SectionConfig:
    key: str
    title: str
    permalink: str = DEFAULT_PERMALINK
    description: str = ""
    paginate: int | None = None  # overrides the site's pagination
    by_year: bool = False  # 按年份归档: a list page per year (/KEY/2025/) and a 按年份 navigation


@dataclass(frozen=True)
class Footer:
    icp: str = ""  # ICP 备案号
    police: str = ""  # 公安备案号
    contact: str = ""
    address: str = ""
    copyright: str = ""


@dataclass(frozen=True)
class Contact:
    """``contact:`` — how residents reach the office, shown on every page (a tappable phone number)."""

    phone: str = ""  # the office's public number: published on purpose, so never a privacy finding
    hours: str = ""  # 办公时间
    address: str = ""
    map: str = ""  # an optional link to a map of the address

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` link wants it: digits and a leading +, nothing else."""
        return re.sub(r"(?!^\+)\D", "", self.phone)


@dataclass(frozen=True)
class DataPageConfig:
    """Pages made from a data file (``data_pages``), as Hugo's content adapters make them.

    With ``:slug`` in ``url`` every record of the list ``data`` gets a page: ``title`` and
    ``description`` then name the record's fields (the slug is the record's ``slug`` or its
    title's). Without ``:slug`` the whole data gets one page, listed in the navigation, and
    ``title`` and ``description`` are its own text.
    """

    data: str  # a data file, or a list inside one: organisation.volunteer_teams
    url: str
    template: str
    title: str = "title"
    description: str = ""
    line: int | None = field(default=None, compare=False)  # in site_config.yaml, for errors

    @property
    def per_record(self) -> bool:
        return ":slug" in self.url


@dataclass(frozen=True)
class AllowedValue:
    """A value the office publishes on purpose (its service phone), with the reason why."""

    value: str
    reason: str


@dataclass(frozen=True)
class Privacy:
    private_names: tuple[str, ...] = ()  # replaced by ``mask`` in the public edition
    mask: str = "{surname}某"  # 白友盛 → 白某
    allow: tuple[AllowedValue, ...] = ()


@dataclass(frozen=True)
class PrintConfig:
    """``print:`` — exchange materials (civicpress.printing checks the booklet's fields)."""

    booklet: Mapping[str, Any] | None = None  # the 参观材料 booklet: title, materials, parts …
    booklet_line: int | None = field(default=None, compare=False)
    missing_glyphs: str = "error"  # a character the print font lacks: error or warning


@dataclass(frozen=True)
class SiteConfig:
    title: str
    sections: tuple[SectionConfig, ...]
    organization: str = ""
    description: str = ""
    base_url: str = ""
    language: str = "zh-CN"
    timezone: str = "+08:00"
    slug_style: str = "pinyin"
    relative_urls: bool = True
    pagination: int = 10
    summary_length: int = 120
    feed_limit: int = 20
    allow_html: bool = False  # raw HTML in Markdown: shown as text unless allowed, then sanitized
    require_approval: bool = False  # the public edition takes only pages with status: 已审
    privacy: Privacy = field(default_factory=Privacy)
    footer: Footer = field(default_factory=Footer)
    contact: Contact = field(default_factory=Contact)
    logo: str = ""  # a picture in static/ or content/ for the masthead; "" draws a mark from the title
    data_pages: tuple[DataPageConfig, ...] = ()
    printing: PrintConfig = field(default_factory=PrintConfig)  # the ``print:`` block
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def section(self, key: str) -> SectionConfig | None:
        for section in self.sections:
            if section.key == key:
                return section
        return None


# ---------------------------------------------------------------- schema
# Each field: a type check and the Chinese description of the expected value (fields.checked).


def _settings(checks: dict[str, tuple[Callable[[Any], bool], str]]) -> FieldTable:
    return FieldTable(
        {key: checked(accepts, expected) for key, (accepts, expected) in checks.items()},
        unknown_code="config-unknown-key", unknown_noun="设置项", known_noun="设置",
        bad_code="config-bad-value", skip_empty=False,
    )



def _text(value: Any) -> bool:
    return isinstance(value, str)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _base_url(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or re.match(r"^https?://[^/\s]+(/\S*)?$", value) is not None)


def _timezone(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^[+-](0\d|1[0-4]):[0-5]\d$", value) is not None


def _slug_style(value: Any) -> bool:
    return value in SLUG_STYLES


def _permalink(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("/") and ":slug" in value


def _section_key(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^[a-z][a-z0-9_-]*$", value) is not None


def _mapping(value: Any) -> bool:
    return isinstance(value, dict)


SITE_FIELDS = _settings({
    "title": (_text, "文字"),
    "organization": (_text, "文字"),
    "description": (_text, "文字"),
    "base_url": (_base_url, "以 http:// 或 https:// 开头的网址，如 https://www.example.cn/"),
    "language": (_text, "语言代码，如 zh-CN"),
    "timezone": (_timezone, "时区偏移，如 \"+08:00\"（请加引号）"),
    "slug_style": (_slug_style, "pinyin 或 unicode"),
    "relative_urls": (_bool, "true 或 false"),
    "pagination": (_positive_int, "正整数"),
    "summary_length": (_positive_int, "正整数"),
    "feed_limit": (_positive_int, "正整数"),
    "allow_html": (_bool, "true 或 false"),
    "require_approval": (_bool, "true 或 false"),
    "privacy": (_mapping, "键值对：private_names、mask、allow"),
    "sections": (lambda v: isinstance(v, list), "栏目列表"),
    "data_pages": (lambda v: isinstance(v, list), "列表，每项写 data、url、template"),
    "footer": (_mapping, "键值对"),
    "contact": (_mapping, "键值对：phone、hours、address、map"),
    "logo": (lambda v: isinstance(v, str) and re.match(r"^/[\w./-]+\.(svg|png|jpe?g|webp)$", v) is not None
             and ".." not in v.split("/"), "图片文件在网站中的路径，如 /images/logo.png（svg、png、jpg 或 webp）"),
    "extra": (_mapping, "键值对"),
    "print": (_mapping, "键值对：booklet、missing_glyphs"),
    "deploy": (_mapping, "键值对：method、host、port、user、path、key_file、host_key（civicpress.deploy 逐项检查）"),
})
PRINT_FIELDS = _settings({
    "booklet": (_mapping, "键值对：title、materials、parts 等"),
    "missing_glyphs": (lambda v: v in ("error", "warning"), "error 或 warning"),
})
SECTION_FIELDS = _settings({
    "key": (_section_key, "小写英文字母开头的栏目目录名，如 events"),
    "title": (_text, "栏目中文名称"),
    "permalink": (_permalink, "以 / 开头并含 :slug 的网址格式，如 /:section/:year/:slug/"),
    "description": (_text, "文字"),
    "paginate": (_positive_int, "正整数"),
    "by_year": (_bool, "true 或 false（true：按年份归档，每年一个列表页）"),
})
def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _mask(value: Any) -> bool:
    return isinstance(value, str) and "{surname}" in value


def _allow_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict)
        and set(item) == {"value", "reason"}
        and isinstance(item["value"], (str, int))
        and isinstance(item["reason"], str)
        and item["reason"].strip()
        for item in value
    )


PRIVACY_FIELDS = _settings({
    "private_names": (_names, "姓名列表，如 [白某某, 张某某]"),
    "mask": (_mask, "含 {surname} 的替换格式，如 \"{surname}某\""),
    "allow": (_allow_list, "列表，每项写 value: 要公开的号码 和 reason: 公开的理由"),
})
def _data_path(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$", value) is not None


def _page_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("/") and value.endswith("/") and "//" not in value


def _template_name(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^[\w-]+(/[\w-]+)*\.html$", value) is not None


DATA_PAGE_FIELDS = _settings({
    "data": (_data_path, "数据文件名，或其中的列表，如 honors 或 organisation.volunteer_teams"),
    "url": (_page_url, "以 / 开头和结尾的网址，每条记录一页时含 :slug，如 /honors/:slug/"),
    "template": (_template_name, "模板文件名，如 honor.html"),
    "title": (_text, "文字"),
    "description": (_text, "文字"),
})
FOOTER_FIELDS = _settings({name: (_text, "文字") for name in ("icp", "police", "contact", "address", "copyright")})


def _phone(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and re.fullmatch(
        r"\+?[\d\s()（）-]{5,20}", str(value)) is not None


def _map_link(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^https://\S+$", value) is not None


CONTACT_FIELDS = _settings({
    "phone": (_phone, "电话号码，如 \"0431-8765 4321\"（请加引号）"),
    "hours": (_text, "文字，如 周一至周五 8:30—17:00"),
    "address": (_text, "文字"),
    "map": (_map_link, "以 https:// 开头的地图网址"),
})
CONTACT_REASON = "contact.phone：网站每页公布的办事电话"


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate ``site_config.yaml``; all problems are raised together."""
    location = Location(CONFIG_FILE)
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        raise SiteError.single(
            "config-missing",
            f"找不到网站配置文件 {CONFIG_FILE}",
            None,
            f"请确认 --site 指向网站文件夹（其中应有 {CONFIG_FILE} 和 content/）。",
        )
    check_size(path.stat().st_size, location)
    doc = load_yaml(decode(path.read_bytes(), location).text, location)
    return parse_config(doc, location)


def parse_config(doc: YamlDocument, location: Location) -> SiteConfig:
    findings = Findings()
    raw = doc.value if doc.value is not None else {}
    if not isinstance(raw, dict):
        raise SiteError.single("config-type", "配置文件的顶层应是“键: 值”的列表", location.at(1))
    values = _validate(raw, SITE_FIELDS, (), doc, location, findings)
    if "title" not in raw:
        findings.error("config-missing-key", "缺少网站标题 title", location.at(1), "请加一行，如：title: 永丰社区")
    sections = _sections(raw.get("sections", []), doc, location, findings)
    footer_raw = raw.get("footer")
    footer = Footer(**_validate(footer_raw, FOOTER_FIELDS, ("footer",), doc, location, findings)) if isinstance(
        footer_raw, dict
    ) else Footer()
    contact = _contact(raw.get("contact"), doc, location, findings)
    privacy = _with_contact(_privacy(raw.get("privacy"), doc, location, findings), contact)
    data_pages = _data_pages(raw.get("data_pages", []), doc, location, findings)
    if findings.errors:
        raise SiteError(*findings.errors)
    values.pop("sections", None)
    values.pop("data_pages", None)
    print_raw = values.pop("print", None)
    if isinstance(print_raw, dict):
        print_values = _validate(print_raw, PRINT_FIELDS, ("print",), doc, location, findings)
        if findings.errors:
            raise SiteError(*findings.errors)
        values["printing"] = PrintConfig(
            booklet=freeze(print_values["booklet"]) if "booklet" in print_values else None,
            booklet_line=doc.line_of("print", "booklet"),
            missing_glyphs=print_values.get("missing_glyphs", "error"),
        )
    values.pop("footer", None)
    values.pop("contact", None)
    values.pop("deploy", None)  # read by the deploy command only (civicpress.deploy)
    values["privacy"] = privacy
    values["extra"] = freeze(values.get("extra", {}))
    if values.get("base_url") and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return SiteConfig(sections=sections, footer=footer, contact=contact, data_pages=data_pages, **values)


def _contact(raw: Any, doc: YamlDocument, location: Location, findings: Findings) -> Contact:
    if raw is None:
        return Contact()
    values = _validate(raw, CONTACT_FIELDS, ("contact",), doc, location, findings)
    if "phone" in values:
        values["phone"] = str(values["phone"]).strip()
    return Contact(**values)


def _with_contact(privacy: Privacy, contact: Contact) -> Privacy:
    """The declared contact number is published on purpose: the privacy check allows it."""
    if not contact.phone or any(a.value == contact.phone for a in privacy.allow):
        return privacy
    return replace(privacy, allow=(*privacy.allow, AllowedValue(contact.phone, CONTACT_REASON)))


def _data_pages(raw: Any, doc: YamlDocument, location: Location, findings: Findings) -> tuple[DataPageConfig, ...]:
    entries: list[DataPageConfig] = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        path = ("data_pages", index)
        line = doc.line_of(*path)
        values = _validate(item, DATA_PAGE_FIELDS, path, doc, location, findings)
        missing = [key for key in ("data", "url", "template") if key not in item] if isinstance(item, dict) else []
        if missing:
            findings.error("config-missing-key", f"data_pages 的这一项缺少 {'、'.join(missing)}", location.at(line),
                           "例如：- {data: honors, url: /honors/:slug/, template: honor.html, title: title}")
        elif isinstance(item, dict) and ":slug" not in values.get("url", ":slug") and "title" not in item:
            findings.error("config-missing-key", "整个数据文件一页时要写页面标题 title", location.at(line),
                           "例如：title: 大事记")
        elif isinstance(item, dict) and len(values) == len(item):
            entries.append(DataPageConfig(**values, line=line))
    return tuple(entries)


def _privacy(raw: Any, doc: YamlDocument, location: Location, findings: Findings) -> Privacy:
    if not isinstance(raw, dict):
        return Privacy()
    values = _validate(raw, PRIVACY_FIELDS, ("privacy",), doc, location, findings)
    return Privacy(
        private_names=tuple(dict.fromkeys(n.strip() for n in values.get("private_names", []))),
        mask=values.get("mask", Privacy.mask),
        allow=tuple(AllowedValue(str(a["value"]), a["reason"].strip()) for a in values.get("allow", [])),
    )


def _sections(
    raw: Any, doc: YamlDocument, location: Location, findings: Findings
) -> tuple[SectionConfig, ...]:
    sections: list[SectionConfig] = []
    seen: set[str] = set()
    if not isinstance(raw, list):
        return ()
    for index, item in enumerate(raw):
        path = ("sections", index)
        if not isinstance(item, dict):
            findings.error(
                "config-type", "栏目应写成“key: …”和“title: …”两行", location.at(doc.line_of(*path))
            )
            continue
        values = _validate(item, SECTION_FIELDS, path, doc, location, findings)
        for required in ("key", "title"):
            if required not in item:
                findings.error(
                    "config-missing-key",
                    f"栏目缺少 {required}",
                    location.at(doc.line_of(*path)),
                    "每个栏目都要有 key（目录名，如 events）和 title（中文名称，如 活动纪实）。",
                )
        key = values.get("key")
        if key in seen:
            findings.error("config-duplicate-section", f"栏目 {key} 重复定义", location.at(doc.line_of(*path, "key")))
        if key and "title" in values:
            seen.add(key)
            sections.append(SectionConfig(**values))
    return tuple(sections)


def _validate(
    raw: dict[str, Any],
    table: FieldTable,
    path: tuple[Any, ...],
    doc: YamlDocument,
    location: Location,
    findings: Findings,
) -> dict[str, Any]:
    """Known keys with values of the right type; every other key is an error with its line."""
    if not isinstance(raw, dict):
        findings.error("config-type", "这里应是“键: 值”的列表", location.at(doc.line_of(*path)))
        return {}
    return table.read(raw, lambda key: location.at(doc.line_of(*path, key)), findings).values


def freeze(value: Any) -> Any:
    """A read-only deep copy: dicts become mapping proxies, lists become tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value
