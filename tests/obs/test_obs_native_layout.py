"""The native layout rules without any OBS: lower third lines, wrapped text boxes, fitted images,
plates that hide with their text, and a pack without placeholder texts."""

from server.services.agenda.cues import lower_third_lines
from server.services.obs.native_texts import PLATE_HIDDEN, PLATE_SHOWN, plate_settings
from server.services.obs.scene_pack import load_scene_pack, placement_transform, plates, text_settings


def test_lower_third_is_name_then_title_and_empty_stays_empty():
    assert lower_third_lines("Nguyễn Văn A — Chủ tịch") == "Nguyễn Văn A\nChủ tịch"
    assert lower_third_lines("Nguyễn Văn A") == "Nguyễn Văn A"
    assert lower_third_lines("") == "" and lower_third_lines(None) == ""


def test_text_boxes_scale_with_the_canvas_and_wrap():
    spec = {"settings": {"text": "", "size": 44}, "box": [0.89, 0.17]}
    full = text_settings(spec, (1920, 1080))
    assert full["custom_width"] == full["extents_cx"] == 1709 and full["word_wrap"] and full["extents_wrap"]
    assert full["font"]["size"] == 44 and full["text"] == ""
    small = text_settings(spec, (640, 360))
    assert small["custom_width"] == 570 and small["font"]["size"] == 15


def test_fit_scales_an_image_into_the_canvas():
    t = placement_transform({"fit": True}, (1920, 1080))
    assert t["boundsType"] == "OBS_BOUNDS_SCALE_INNER" and (t["boundsWidth"], t["boundsHeight"]) == (1920, 1080)
    assert placement_transform({"x": 0.05, "y": 0.5}, (1920, 1080)) == {"positionX": 96, "positionY": 540}


def test_plates_hide_with_their_text_and_the_pack_ships_no_placeholder():
    assert plates() == {"BC Lower third": "BC Lower third plate", "BC Question": "BC Question plate"}
    assert plate_settings("BC Lower third", "A\nB") == [("BC Lower third plate", {"color": PLATE_SHOWN})]
    assert plate_settings("BC Question", " ") == [("BC Question plate", {"color": PLATE_HIDDEN})]
    assert plate_settings("BC Agenda clock", "5:00") == []
    pack = load_scene_pack()
    texts = {
        n: s["settings"]["text"]
        for n, s in pack["sources"].items()
        if s["kind"] == "text" or s.get("fallback") == "text"
    }
    assert {n: t for n, t in texts.items() if t} == {"BC Break card": "GIẢI LAO — Break"}
