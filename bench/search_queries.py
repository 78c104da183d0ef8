"""Labelled relevance set over the demo catalog (vibecoder/seed_data): query -> {slug: grade}.

Grades: 2 = what the buyer asked for, 1 = a reasonable alternative. Written from the listings'
descriptions, before looking at any ranking; paraphrases, keyword queries and typos are mixed.
"""

LABELLED_QUERIES: dict[str, dict[str, int]] = {
    "a dark landing page for a coffee shop": {
        "coffee-shop-landing": 2,
        "bakery-preorder-template": 1,
    },
    "cli that renames photos by date": {"exif-date-renamer": 2},
    "sort my holiday pictures by when they were shot": {"exif-date-renamer": 2},
    "summarise what I committed yesterday for the daily meeting": {
        "git-standup": 2,
        "standup-bot": 1,
    },
    "find fixme comments in my repo": {"todo-grep": 2},
    "what does 0 9 * * 1 mean": {"cron-explainer": 2},
    "remove duplicate rows from a spreadsheet export": {"csv-dedupe": 2},
    "which urls are slow in my nginx logs": {"log-analyzer": 2},
    "turn nested json into columns": {"json-flattener": 2},
    "track where my money goes each month": {"budget-categorizer": 2},
    "is my password strong enough": {"password-strength": 2},
    "convert celsius to fahrenheit and kilograms to pounds": {"unit-converter": 2},
    "bump version number from conventional commits": {"semver-bump": 2, "commit-msg-linter": 1},
    "table of contents for a readme": {"markdown-toc": 2},
    "backend for a todo app": {"todo-api-core": 2},
    "make long links short like bitly": {"url-shortener-core": 2},
    "throttle api requests per client": {"rate-limiter-middleware": 2},
    "check that a payment provider callback is authentic": {"webhook-verifier": 2},
    "parse slash commands in a chat bot": {"command-parser-bot": 2},
    "customer support bot that answers common questions": {"faq-bot": 2},
    "block spam and invite links in discord": {"moderation-filter": 2},
    "noughts and crosses ai that never loses": {"tic-tac-toe-minimax": 2},
    "conway cellular automaton": {"game-of-life": 2},
    "sliding tile merge puzzle game": {"game-2048-engine": 2},
    "classic arcade game logic": {
        "snake-engine": 2,
        "game-2048-engine": 1,
        "tic-tac-toe-minimax": 1,
        "game-of-life": 1,
    },
    "accessible rating widget with stars": {"star-rating-component": 2},
    "saas plans with monthly and yearly toggle": {"pricing-table-component": 2},
    "little popup messages that disappear": {"toast-notifications": 2},
    "calendar to pick check-in and check-out dates": {"date-range-picker-core": 2},
    "online store for houseplants": {"plant-shop-template": 2},
    "limited edition shoe release shop": {"sneaker-drop-template": 2},
    "order bread for tomorrow": {"bakery-preorder-template": 2},
    "dockerfile lintr": {"dockerfile-linter": 2},
    "validate my env file against the example": {"dotenv-linter": 2},
    "check kubernetes yaml for missing resource limits": {"k8s-manifest-checker": 2},
    "dispatch function calls from a language model": {"tool-router-agent": 2},
    "run agent tasks in parallel respecting dependencies": {"task-planner-agent": 2},
    "evaluate llm prompts against expected answers": {"prompt-eval-harness": 2},
    "keep chat history within the context window": {"conversation-memory": 2},
    "webhok verifer": {"webhook-verifier": 2},
}
