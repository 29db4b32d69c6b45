"""The naive baseline: the live chat as a Django team writes it from the Channels tutorial.

RedisChannelLayer group_send per message carrying the message fields, and each member's consumer
re-encodes the JSON for its own socket; nothing is stored, there is no seq, no ack, no resume.
"""

import datetime
import json

from channels.generic.websocket import AsyncWebsocketConsumer


class NaiveChatConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = "naive"

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        self.room_group_name = f"naive_{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code):
        if hasattr(self, "room_group_name"):
            await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        data = json.loads(text_data)
        user = self.scope["user"]
        await self.channel_layer.group_send(
            self.room_group_name,
            {
                "type": "chat.message",
                "text": data.get("text", ""),
                "client_id": data.get("client_id", ""),
                "author": {"id": user.pk, "name": user.name, "role": user.role},
                "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
            },
        )

    async def chat_message(self, event):
        await self.send(
            text_data=json.dumps(
                {
                    "type": "message",
                    "author": event["author"],
                    "text": event["text"],
                    "sent_at": event["sent_at"],
                    "client_id": event["client_id"],
                }
            )
        )
