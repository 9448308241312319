"""A test client of API v1 that speaks as any role of the `world` fixture, with a bearer token each."""

import json

from django.test import Client

from habiter.core.tests.factories import api_token_for

ANONYMOUS = "anonymous"


class RoleApi:
    def __init__(self, world):
        self.tokens = {role: api_token_for(user, "Tests")[1] for role, user in world.users.items()}
        self.client = Client()

    def headers(self, actor):
        return {} if actor == ANONYMOUS else {"Authorization": f"Bearer {self.tokens[actor]}"}

    def get(self, actor, url, **params):
        return self.client.get(url, params, headers=self.headers(actor))

    def post(self, actor, url, payload):
        return self.client.post(url, json.dumps(payload), content_type="application/json", headers=self.headers(actor))
