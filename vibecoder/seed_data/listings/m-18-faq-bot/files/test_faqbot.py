from faqbot import FaqBot


def test_synonyms_find_the_right_entry():
    bot = FaqBot()
    assert bot.answer("how long does shipping take")[0].startswith("Orders ship")
    assert bot.answer("I want my money back")[0].startswith("Yes, within 30 days")


def test_unrelated_questions_escalate():
    assert FaqBot().answer("what is the weather on mars")[0] is None
