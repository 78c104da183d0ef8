"""Snake rules as a small deterministic engine (render it however you like)."""

import random
from collections import deque

DIRECTIONS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
OPPOSITE = {"up": "down", "down": "up", "left": "right", "right": "left"}


class Snake:
    def __init__(self, width=12, height=8, seed=1):
        self.width, self.height = width, height
        self.random = random.Random(seed)
        self.body = deque([(2, height // 2), (1, height // 2), (0, height // 2)])
        self.direction, self.alive, self.score = "right", True, 0
        self.food = self._place_food()

    def _place_food(self):
        free = [(x, y) for x in range(self.width) for y in range(self.height) if (x, y) not in self.body]
        return self.random.choice(free) if free else None

    def turn(self, direction):
        if direction in DIRECTIONS and direction != OPPOSITE[self.direction]:
            self.direction = direction

    def tick(self):
        if not self.alive:
            return
        dx, dy = DIRECTIONS[self.direction]
        head = (self.body[0][0] + dx, self.body[0][1] + dy)
        eating = head == self.food
        tail = self.body[-1]
        if not (0 <= head[0] < self.width and 0 <= head[1] < self.height) or (
            head in self.body and (eating or head != tail)
        ):
            self.alive = False
            return
        self.body.appendleft(head)
        if eating:
            self.score += 1
            self.food = self._place_food()
        else:
            self.body.pop()

    @property
    def speed(self):
        return min(1 + self.score // 5, 10)

    def render(self):
        rows = []
        for y in range(self.height):
            rows.append("".join("@" if (x, y) == self.body[0] else "o" if (x, y) in self.body
                                else "*" if (x, y) == self.food else "." for x in range(self.width)))
        return "\n".join(rows)


if __name__ == "__main__":
    game = Snake(seed=42)
    for step in range(30):
        fx, fy = game.food
        hx, hy = game.body[0]
        game.turn("right" if fx > hx else "left" if fx < hx else "down" if fy > hy else "up")
        game.tick()
    print(game.render())
    print(f"score {game.score}, alive {game.alive}, level {game.speed}")
