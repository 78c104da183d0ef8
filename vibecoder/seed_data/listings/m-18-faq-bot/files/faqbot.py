"""Match questions to FAQ entries with TF-IDF cosine similarity (no dependencies)."""

import math
import re
import sys
from collections import Counter

FAQ = [
    ("How long does delivery take?", "Orders ship within 1 business day and arrive in 2-4 days."),
    ("Can I return an item or get a refund?", "Yes, within 30 days. Start a return from your order page."),
    ("Do you ship internationally?", "We ship to the EU, UK, US and Canada."),
    ("How do I change my password?", "Go to Account > Security and choose Change password."),
]
STOP = {"the", "a", "an", "i", "my", "do", "you", "is", "to", "can", "how", "what", "or", "of", "get"}
SYNONYMS = {"shipping": "delivery", "ship": "delivery", "money": "refund", "back": "refund"}


def tokens(text):
    words = re.findall(r"[a-z]+", text.lower())
    return [SYNONYMS.get(w, w) for w in words if w not in STOP]


class FaqBot:
    def __init__(self, faq=FAQ, threshold=0.2):
        self.faq, self.threshold = faq, threshold
        docs = [Counter(tokens(q)) for q, _ in faq]
        df = Counter(word for doc in docs for word in doc)
        self.idf = {w: math.log((1 + len(docs)) / (1 + n)) + 1 for w, n in df.items()}
        self.vectors = [self._vector(doc) for doc in docs]

    def _vector(self, counts):
        vector = {w: c * self.idf.get(w, 0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1
        return {w: v / norm for w, v in vector.items()}

    def answer(self, question):
        query = self._vector(Counter(tokens(question)))
        scores = [sum(query.get(w, 0) * v for w, v in vec.items()) for vec in self.vectors]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] < self.threshold:
            return None, scores[best]
        return self.faq[best][1], scores[best]


if __name__ == "__main__":
    bot = FaqBot()
    for line in sys.stdin:
        reply, score = bot.answer(line)
        print(f"Q: {line.strip()}\nA: {reply or 'I am not sure — a human will get back to you.'} ({score:.2f})")
