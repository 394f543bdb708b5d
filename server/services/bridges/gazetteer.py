"""The official 2025 administrative map (34 provinces, 3,321 commune-level units: xã, phường,
đặc khu; no district level), from the ``vietnam-provinces`` package, and name matching
against it that is blind to diacritics, NFC/NFD, case and the unit prefix ("Tỉnh", "Thành phố",
"Xã", "Phường", "Đặc khu"): "thanh hoa", "Tỉnh Thanh Hóa" and "Thanh Hoá" are one province.

Loaded once per process (a few milliseconds), read-only afterwards.
"""

from functools import lru_cache

from vietnam_provinces import Province, Ward

from server.services.text import fold, vi_sort_key

_PREFIXES = ("thanh pho ", "tinh ", "xa ", "phuong ", "dac khu ", "tp. ", "tp ")


def _key(name):
    """The folded name without its unit prefix: 'Phường Hoàn Kiếm' -> 'hoan kiem'."""
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@lru_cache(maxsize=1)
def _map():
    provinces, communes, by_province = {}, {}, {}
    for province in Province.iter_all():
        provinces[_key(province.name)] = province
        by_province[province.code] = []
    for ward in Ward.iter_all():
        by_province[ward.province_code].append(ward)
        communes.setdefault(ward.province_code, {}).setdefault(_key(ward.name), ward)
        communes[ward.province_code].setdefault(fold(ward.name), ward)
    for wards in by_province.values():
        wards.sort(key=lambda w: vi_sort_key(w.name))
    return provinces, communes, by_province


def provinces():
    """The 34 provinces, in Vietnamese order of their names."""
    return sorted(_map()[0].values(), key=lambda p: vi_sort_key(p.name))


def communes_of(province):
    """The commune-level units of a province, in Vietnamese order."""
    return list(_map()[2][province.code])


def find_province(name):
    """The official province for a typed name, or None."""
    return _map()[0].get(_key(name)) if name else None


def find_commune(province, name):
    """The official commune of ``province`` for a typed name ('Hoằng Hóa', 'xa hoang hoa'), or None."""
    if not name or province is None:
        return None
    table = _map()[1].get(province.code, {})
    return table.get(fold(name)) or table.get(_key(name))
