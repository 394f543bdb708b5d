"""Importing sites from CSV: UTF-8 with or without BOM, comma or semicolon, Vietnamese or
English headers. Every row is checked first; any error means nothing is written and the
caller gets the list of errors by line. Existing codes are updated (their token is kept).

Province and commune names are checked against the official 2025 map (``gazetteer``, blind
to diacritics and NFC/NFD) and stored with their official spelling; a district column is still
accepted for older lists. A parent code (a provincial bridge relaying to this site) names
another site of the file or of the event."""

import csv
import io

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.site import Site
from server.services.bridges import gazetteer
from server.services.bridges.counter import mark_dirty
from server.services.bridges.sites import FIELDS, add_log, unused_short_codes
from server.services.errors import ServiceError
from server.services.text import clean, fold
from server.services.tokens import site_token

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HEADERS = {
    "code": ("code", "ma", "ma diem cau", "ma so"),
    "name": ("name", "ten", "ten diem cau", "diem cau"),
    "province": ("province", "tinh", "tinh/thanh pho", "tinh/thanh", "tinh, thanh pho", "tinh thanh"),
    "district": ("district", "huyen", "quan", "quan/huyen", "huyen/quan", "don vi hanh chinh"),
    "commune": ("commune", "ward", "xa", "phuong", "xa/phuong", "phuong/xa", "xa/phuong/dac khu"),
    "group_name": ("group", "group_name", "cum", "nhom", "cum diem cau"),
    "parent_code": ("parent", "parent_code", "diem cau cap tren", "ma diem cau cap tren", "cap tren"),
    "contact_name": ("contact", "contact_name", "contact person", "nguoi lien he", "lien he", "can bo phu trach"),
    "phone": ("phone", "so dien thoai", "dien thoai", "sdt"),
}


def _column_for(header):
    key = fold(header)
    for field, names in HEADERS.items():
        if key in names:
            return field
    return None


def _decode(data):
    if len(data) > MAX_BYTES:
        raise ServiceError("too_large", _l("Tệp quá lớn."), status=413)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("not_utf8", _l("Tệp phải được lưu theo mã UTF-8."), status=422) from None


def _delimiter(first_line):
    return ";" if first_line.count(";") > first_line.count(",") else ","


def parse(data):
    """Rows as dicts of site fields with their line number; raises on a bad header."""
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ServiceError("empty_file", _l("Tệp trống."), status=422)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = next(reader)
    columns = [_column_for(h) for h in header]
    missing = [f for f in ("code", "name") if f not in columns]
    if missing:
        raise ServiceError("bad_header", _l("Thiếu cột bắt buộc: mã (code) và tên (name)."), status=422)
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) >= MAX_ROWS:
            raise ServiceError("too_many_rows", _l("Tệp có quá nhiều dòng."), status=422)
        values = {}
        for column, cell in zip(columns, row):
            if column:
                values[column] = cell
        rows.append((reader.line_num, len(row) > len(header), values))
    return rows


def import_sites(event, data):
    """Validate every row, then create or update all of them in one transaction.

    Returns ``{"created", "updated"}``; raises ``ServiceError("import_failed", ..., errors=[...])``."""
    rows = parse(data)
    errors, seen, cleaned = [], {}, []
    for line, extra, values in rows:
        fields = {key: clean(values.get(key), None) for key in FIELDS}
        fields["parent_code"] = clean(values.get("parent_code"), 40)
        row_errors = _check_places(fields)
        if extra:
            row_errors.append(_l("Dòng có nhiều cột hơn tiêu đề."))
        if not fields["code"]:
            row_errors.append(_l("Thiếu mã điểm cầu."))
        if not fields["name"]:
            row_errors.append(_l("Thiếu tên điểm cầu."))
        for key, limit in FIELDS.items():
            if len(fields[key]) > limit:
                row_errors.append(_l("Trường %(field)s dài quá %(limit)s ký tự.", field=key, limit=limit))
        if fields["code"]:
            key = fields["code"].lower()
            if key in seen:
                row_errors.append(_l("Mã %(code)s trùng với dòng %(line)s.", code=fields["code"], line=seen[key]))
            else:
                seen[key] = line
        for message in row_errors:
            errors.append({"line": line, "code": fields["code"], "message": message})
        cleaned.append(fields)
    if not cleaned and not errors:
        raise ServiceError("empty_file", _l("Tệp không có dòng dữ liệu nào."), status=422)
    existing = {s.code.lower(): s for s in db.session.scalars(db.select(Site).filter_by(event_id=event.id))}
    _check_parents(cleaned, rows, existing, errors)
    if errors:
        raise ServiceError(
            "import_failed", _l("Chưa nhập gì: tệp có lỗi, hãy sửa các dòng dưới đây."), status=422, errors=errors
        )
    created = updated = 0
    try:
        parents = {}
        fresh = iter(unused_short_codes(event.id, sum(1 for f in cleaned if f["code"].lower() not in existing)))
        for fields in cleaned:
            parent_code = fields.pop("parent_code")
            site = existing.get(fields["code"].lower())
            if site is None:
                site = Site(event_id=event.id, token=site_token(), short_code=next(fresh), **fields)
                db.session.add(site)
                db.session.flush()
                add_log(site, "imported")
                created += 1
            else:
                changed = {k: v for k, v in fields.items() if getattr(site, k) != v}
                if changed:
                    for key, value in changed.items():
                        setattr(site, key, value)
                    add_log(site, "imported", ", ".join(sorted(changed)))
                    updated += 1
            existing[site.code.lower()] = site
            if parent_code:
                parents[site] = parent_code.lower()
        db.session.flush()
        for site, parent_code in parents.items():
            site.parent_id = existing[parent_code].id
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    mark_dirty(event.slug)
    return {"created": created, "updated": updated, "rows": len(cleaned)}


def _check_places(fields):
    """Errors for a province or commune not on the official map; official spellings stored."""
    errors = []
    if fields["province"]:
        province = gazetteer.find_province(fields["province"])
        if province is None:
            return [_l("Không có tỉnh/thành phố “%(name)s” trong danh mục hành chính 2025.", name=fields["province"])]
        fields["province"] = province.name
        if fields["commune"]:
            commune = gazetteer.find_commune(province, fields["commune"])
            if commune is None:
                errors.append(
                    _l(
                        "Không có xã/phường “%(name)s” thuộc %(province)s trong danh mục hành chính 2025.",
                        name=fields["commune"],
                        province=province.name,
                    )
                )
            else:
                fields["commune"] = commune.name
    return errors


def _check_parents(cleaned, rows, existing, errors):
    """A parent code must name another site of the file or of the event."""
    codes = {f["code"].lower() for f in cleaned} | set(existing)
    for (line, _extra, _values), fields in zip(rows, cleaned):
        parent = fields["parent_code"].lower()
        if parent and (parent not in codes or parent == fields["code"].lower()):
            errors.append(
                {
                    "line": line,
                    "code": fields["code"],
                    "message": _l("Không tìm thấy điểm cầu cấp trên có mã %(code)s.", code=fields["parent_code"]),
                }
            )
