from moderate import moderate


def test_clean_message_allowed():
    assert moderate("great stream today") == ("allow", [])


def test_invites_and_spam_deleted():
    assert moderate("FREE N1TR0 at discord.gg/abc")[0] == "delete"


def test_obfuscated_blocked_word():
    assert moderate("you b4dw0rd")[1] == ["blocked word"]


def test_mass_mentions_warn():
    assert moderate("@a @b @c @d @e @f hi") == ("warn", ["mass mention"])
