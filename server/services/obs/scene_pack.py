"""Scene packs (``scenes/*.json``): load, validate, and apply them to OBS idempotently.

Owns the translation of a pack's abstract source kinds (color, image, media, text, overlay)
into the input kinds this OBS has (``GetInputKindList``): overlays become browser sources
pointed at ``/overlay/<slug>/<path>`` when OBS has ``browser_source``, else native text or image
sources that the server updates through SetInputSettings. A source's ``box`` ([width, height]
as canvas fractions) makes a text wrap inside that width (FreeType ``custom_width``/``word_wrap``,
GDI+ ``extents*``) and sizes a color plate; a ``fit`` placement scales an image into the canvas.
``plate_for`` names the text a plate stands behind (hidden while that text is empty, see
``native_texts.py``). ``apply_scene_pack`` only creates what is missing and returns a report of
what it did; a second run creates nothing.
"""

import json
from pathlib import Path

from .errors import ObsError, error_for_status

PACK_DIR = Path(__file__).resolve().parents[3] / "scenes"
KIND_CANDIDATES = {
    "color": ["color_source_v3", "color_source_v2", "color_source"],
    "image": ["image_source"],
    "media": ["ffmpeg_source"],
    "text": ["text_ft2_source_v2", "text_gdiplus_v2", "text_gdiplus", "text_ft2_source"],
    "browser": ["browser_source"],
}


def load_scene_pack(name="congress", directory=None):
    """Read and validate ``scenes/<name>.json``; raises ValueError when it is malformed."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError("bad pack name")
    path = Path(directory or PACK_DIR) / f"{name}.json"
    pack = json.loads(path.read_text(encoding="utf-8"))
    validate_pack(pack)
    return pack


def pack_or_invalid(name):
    """``load_scene_pack(name)``, or the ``obs_invalid`` error every transport answers with."""
    try:
        return load_scene_pack(name)
    except (ValueError, OSError, KeyError, TypeError, AttributeError):
        raise ObsError("obs_invalid", detail=f"scene pack: {name}"[:80]) from None


def validate_pack(pack):
    sources = pack.get("sources") or {}
    names = [s.get("name") for s in pack.get("scenes") or []]
    if not names or len(set(names)) != len(names):
        raise ValueError("scene names must be present and unique")
    for name, spec in sources.items():
        if spec.get("kind") not in ("color", "image", "media", "text", "overlay"):
            raise ValueError(f"source {name!r}: unknown kind")
    for scene in pack["scenes"]:
        for item in scene.get("sources", []):
            src = item if isinstance(item, str) else item.get("source")
            if src not in sources:
                raise ValueError(f"scene {scene['name']!r} uses undeclared source {src!r}")


def scene_items(scene):
    """[(source name, placement dict)] bottom to top."""
    out = []
    for item in scene.get("sources", []):
        if isinstance(item, str):
            out.append((item, {}))
        else:
            out.append((item["source"], {k: item[k] for k in ("x", "y", "fit") if k in item}))
    return out


def plates(pack=None):
    """{text source: plate source} of the pack (the plates behind the lower third, question)."""
    pack = pack or load_scene_pack()
    return {spec["plate_for"]: name for name, spec in (pack.get("sources") or {}).items() if spec.get("plate_for")}


def _box(spec, canvas):
    box = spec.get("box")
    if not box:
        return None
    return max(1, round(float(box[0]) * canvas[0])), max(1, round(float(box[1]) * canvas[1]))


def text_settings(spec, canvas):
    """Native text settings: scaled font, white with outline and shadow, wrapped in its box."""
    settings = dict(spec.get("settings") or {})
    size = max(12, round(int(settings.pop("size", 48)) * canvas[1] / 1080))
    out = {
        "text": settings.get("text", ""),
        "font": {"face": "Sans Serif", "size": size, "style": "", "flags": 0},
        "color1": 4294967295,
        "color2": 4294967295,
        "outline": True,
        "drop_shadow": True,
    }
    box = _box(spec, canvas)
    if box:
        out.update(
            custom_width=box[0],
            word_wrap=True,  # FreeType 2 (Linux, macOS)
            extents=True,
            extents_cx=box[0],
            extents_cy=box[1],
            extents_wrap=True,
        )  # GDI+
    return out


def placement_transform(place, canvas):
    """The SetSceneItemTransform of a placement: position, or fitted into the whole canvas."""
    if place.get("fit"):
        return {
            "positionX": 0,
            "positionY": 0,
            "alignment": 5,
            "boundsType": "OBS_BOUNDS_SCALE_INNER",
            "boundsAlignment": 0,
            "boundsWidth": canvas[0],
            "boundsHeight": canvas[1],
        }
    return {"positionX": round(place.get("x", 0) * canvas[0]), "positionY": round(place.get("y", 0) * canvas[1])}


def overlay_inputs(pack):
    """{overlay path: input name}, e.g. {"lower-third": "BC Lower third"}."""
    return {spec["path"]: name for name, spec in (pack.get("sources") or {}).items() if spec.get("kind") == "overlay"}


def _pick(kinds, abstract):
    for candidate in KIND_CANDIDATES[abstract]:
        if candidate in kinds:
            return candidate
    return None


def resolve_source(spec, kinds, base_url, slug, canvas):
    """(input kind, settings, mode) for a pack source on this OBS; mode is browser/native."""
    abstract = spec["kind"]
    settings = dict(spec.get("settings") or {})
    mode = "native"
    if abstract == "overlay":
        if "browser_source" in kinds:
            url = f"{base_url.rstrip('/')}/overlay/{slug}/{spec['path']}"
            return (
                "browser_source",
                {"url": url, "width": canvas[0], "height": canvas[1], "reroute_audio": False, "shutdown": False},
                "browser",
            )
        abstract = spec.get("fallback", "text")
    kind = _pick(kinds, abstract)
    if kind is None:
        return None, None, mode
    if abstract == "text":
        settings = text_settings(spec, canvas)
    elif abstract == "color" and spec.get("fill"):
        settings.update(width=canvas[0], height=canvas[1])
    elif abstract == "color" and _box(spec, canvas):
        settings.update(zip(("width", "height"), _box(spec, canvas)))
    return kind, settings, mode


def _check(results, report):
    for r in results:
        if not r["ok"]:
            if r["code"] == 601:  # ResourceAlreadyExists: someone created it meanwhile
                report["warnings"].append(f"{r['type']}: already exists")
                continue
            raise error_for_status(r["code"], r["comment"])


def apply_scene_pack(conn, pack, base_url="http://127.0.0.1:5000", slug="demo"):
    """Create the pack's missing scenes, inputs and scene items. Returns a report dict.

    ``conn`` is an ObsConnection (``call``/``batch``). Idempotent: existing scenes, inputs and
    items are left untouched (settings of existing inputs are not overwritten).
    """
    validate_pack(pack)
    first = conn.batch(
        [("GetInputKindList", {"unversioned": False}), ("GetSceneList",), ("GetInputList",), ("GetVideoSettings",)]
    )
    if not all(r["ok"] for r in first):
        bad = next(r for r in first if not r["ok"])
        raise error_for_status(bad["code"], bad["comment"])
    kinds = set(first[0]["data"].get("inputKinds", []))
    existing_scenes = {s["sceneName"] for s in first[1]["data"].get("scenes", [])}
    existing_inputs = {i["inputName"] for i in first[2]["data"].get("inputs", [])}
    video = first[3]["data"]
    canvas = (int(video.get("baseWidth") or 1920), int(video.get("baseHeight") or 1080))
    report = {
        "pack": pack.get("name"),
        "overlay_mode": "browser" if "browser_source" in kinds else "native",
        "created_scenes": [],
        "created_inputs": [],
        "created_items": [],
        "skipped_sources": [],
        "warnings": [],
    }

    missing = [s["name"] for s in pack["scenes"] if s["name"] not in existing_scenes]
    if missing:
        _check(conn.batch([("CreateScene", {"sceneName": n}) for n in missing]), report)
        report["created_scenes"] = missing
    item_lists = conn.batch([("GetSceneItemList", {"sceneName": s["name"]}) for s in pack["scenes"]])
    items_in = {
        s["name"]: {i.get("sourceName") for i in r["data"].get("sceneItems", [])}
        for s, r in zip(pack["scenes"], item_lists)
        if r["ok"]
    }

    for scene in pack["scenes"]:
        sname = scene["name"]
        for source, place in scene_items(scene):
            if source in items_in.get(sname, set()):
                continue
            if source in existing_inputs:
                data = conn.call("CreateSceneItem", {"sceneName": sname, "sourceName": source})
            else:
                kind, settings, _mode = resolve_source(pack["sources"][source], kinds, base_url, slug, canvas)
                if kind is None:
                    if source not in report["skipped_sources"]:
                        report["skipped_sources"].append(source)
                    continue
                data = conn.call(
                    "CreateInput",
                    {
                        "sceneName": sname,
                        "inputName": source,
                        "inputKind": kind,
                        "inputSettings": settings,
                        "sceneItemEnabled": True,
                    },
                )
                existing_inputs.add(source)
                report["created_inputs"].append({"name": source, "kind": kind})
            items_in.setdefault(sname, set()).add(source)
            report["created_items"].append([sname, source])
            if place and data.get("sceneItemId") is not None:
                try:
                    conn.call(
                        "SetSceneItemTransform",
                        {
                            "sceneName": sname,
                            "sceneItemId": data["sceneItemId"],
                            "sceneItemTransform": placement_transform(place, canvas),
                        },
                    )
                except ObsError as err:
                    report["warnings"].append(f"transform {sname}/{source}: {err.code}")
    report["created"] = bool(report["created_scenes"] or report["created_inputs"] or report["created_items"])
    return report
