"""The program feed's cut, without processes: FLV tags of two sides in, one stream out whose
clock keeps running, cut on the next keyframe of the side switched to, codec headers sent only
when they change, metadata and end-of-sequence tags never passed on."""

import io

from server.services.restream.program import AUDIO, FLV_HEADER, SCRIPT, VIDEO, FlvReader, ProgramFeed, Tag, _Segment

AVC_HEADER = bytes([0x17, 0, 0, 0, 0]) + b"sps-pps"
AAC_HEADER = bytes([0xAF, 0]) + b"\x12\x10"


def key(n=0):
    return bytes([0x17, 1, 0, 0, 0]) + bytes([n])


def inter(n=0):
    return bytes([0x27, 1, 0, 0, 0]) + bytes([n])


def aac(n=0):
    return bytes([0xAF, 1]) + bytes([n])


class Sink:
    def __init__(self):
        self.stdin = io.BytesIO()


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def feed_with_sink():
    clock = Clock()
    feed = ProgramFeed("ev", 1935, clock=clock)
    feed._sink = Sink()
    feed._sink.stdin.write(FLV_HEADER)
    for side in ("primary", "backup"):
        feed._segments[side] = _Segment()
    return feed, clock


def out_tags(feed):
    data = feed._sink.stdin.getvalue()
    return list(FlvReader(io.BytesIO(data).read).tags())


def send(feed, side, kind, ts, data):
    feed._take(side, feed._segments[side], Tag(kind, ts, data))


def test_tags_round_trip_through_the_reader():
    tag = Tag(VIDEO, 0x01234567, key(3))
    stream = io.BytesIO(FLV_HEADER + tag.encode(0x01234567))
    [back] = list(FlvReader(stream.read).tags())
    assert (back.kind, back.ts, back.data) == (VIDEO, 0x01234567, key(3)) and back.is_keyframe


def test_the_feed_starts_on_a_keyframe_and_keeps_its_clock_across_a_cut():
    feed, clock = feed_with_sink()
    send(feed, "primary", SCRIPT, 0, b"onMetaData")
    send(feed, "primary", VIDEO, 0, AVC_HEADER)
    send(feed, "primary", AUDIO, 0, AAC_HEADER)
    send(feed, "primary", VIDEO, 0, inter())  # no keyframe yet: not written
    for i, ts in enumerate((40, 80, 120)):
        clock.now += 0.04
        send(feed, "primary", VIDEO, ts, key() if i == 0 else inter(i))
        send(feed, "primary", AUDIO, ts + 5, aac(i))
    # the standby runs with its own clock, far from the primary's
    send(feed, "backup", VIDEO, 0, AVC_HEADER)  # the same codec configuration
    send(feed, "backup", AUDIO, 0, AAC_HEADER)
    send(feed, "backup", VIDEO, 9000, key(9))  # not asked for: dropped
    feed.switch("backup")
    clock.now += 0.04
    send(feed, "primary", VIDEO, 160, inter(7))  # still on air until the standby's keyframe
    send(feed, "backup", VIDEO, 9040, inter(8))  # not a keyframe: no cut yet
    clock.now += 0.5  # the standby's keyframe comes half a second later
    send(feed, "backup", VIDEO, 9080, key(10))
    send(feed, "backup", AUDIO, 9070, aac(11))  # a little earlier than the keyframe
    send(feed, "primary", VIDEO, 200, inter(12))  # cut away: dropped
    send(feed, "backup", VIDEO, 9120, inter(13))
    send(feed, "backup", VIDEO, 0, bytes([0x17, 2, 0, 0, 0]))  # end of sequence: never passed on

    tags = out_tags(feed)
    assert [t.kind for t in tags[:2]] == [VIDEO, AUDIO] and tags[0].is_header and tags[1].is_header
    assert not any(t.kind == SCRIPT for t in tags)
    assert sum(1 for t in tags if t.is_header) == 2  # identical headers are not sent again at the cut
    media = [t for t in tags if not t.is_header]
    assert [t.data[-1] for t in media] == [0, 0, 1, 1, 2, 2, 7, 10, 11, 13]
    assert media[0].is_keyframe and media[7].is_keyframe
    for kind in (VIDEO, AUDIO):
        times = [t.ts for t in media if t.kind == kind]
        assert times == sorted(times), (kind, times)
    # the cut: the output clock moved on by the wall-clock gap (~500 ms), not back to 9080 or 0
    before, cut = media[6].ts, media[7].ts
    assert 450 <= cut - before <= 600, (before, cut)
    assert media[9].ts - cut == 40  # the standby's own spacing is kept
    assert feed.cuts == 1 and feed.on_air == "backup"


def test_a_new_codec_configuration_is_sent_at_the_cut():
    feed, clock = feed_with_sink()
    send(feed, "primary", VIDEO, 0, AVC_HEADER)
    send(feed, "primary", VIDEO, 0, key())
    send(feed, "backup", VIDEO, 0, bytes([0x17, 0, 0, 0, 0]) + b"other-sps")
    feed.switch("backup")
    clock.now += 0.1
    send(feed, "backup", VIDEO, 500, key(1))
    headers = [t.data for t in out_tags(feed) if t.is_header]
    assert headers == [AVC_HEADER, bytes([0x17, 0, 0, 0, 0]) + b"other-sps"]
