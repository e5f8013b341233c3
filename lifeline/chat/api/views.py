"""The messenger's REST endpoints. Conversations outside the caller's scope are 404."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.chat import payloads, permissions, policies, selectors, services
from lifeline.chat.api.serializers import (
    ConversationListFilterInput,
    ConversationOpenInput,
    ConversationOutput,
    ConversationUpdateInput,
    CounterpartOutput,
    MarkedOutput,
    MarkReadInput,
    MessageEditInput,
    MessageHistoryFilterInput,
    MessageOutput,
    MessageSendInput,
    SettingsInput,
    SettingsOutput,
    UnreadOutput,
)
from lifeline.chat.models import Conversation
from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    TableLimitOffsetPagination,
    paginate,
    paginator_for,
)
from lifeline.core.api.parsers import JSONParser
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.realtime import presence

TAGS = ["chat"]
ERRORS_4XX = {
    400: OpenApiResponse(description="invalid input (problem+json with a `chat.*` code)"),
    403: OpenApiResponse(description="chat.read_only, chat.not_message_author"),
    404: OpenApiResponse(description="not_found: outside the caller's conversations"),
}


def _v1_kind() -> str:
    """API v1 predates kinds: it opens and lists the kind flagged `api_v1` (clinic's)."""
    kind = policies.api_v1_kind()
    if kind is None:
        raise NotFound()
    return kind


def _conversation_context(actor: Any, conversations: list[Conversation]) -> dict[str, Any]:
    counterparts = {uid for c in conversations for uid in c.participant_ids}
    return {"viewer": actor, "online_ids": presence.online_among(counterparts)}


def _message_context(actor: Any, conversation: Conversation) -> dict[str, Any]:
    receipts = selectors.read_receipts_map(user_ids=conversation.participant_ids)
    return {
        "conversation": conversation,
        "staff": permissions.is_staff_reader(actor, conversation),
        "receipts_off": {uid for uid, on in receipts.items() if not on},
    }


def _conversation_body(actor: Any, conversation: Conversation) -> dict[str, Any]:
    context = _conversation_context(actor, [conversation])
    return cast(dict[str, Any], ConversationOutput(conversation, context=context).data)


class ConversationListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        parameters=[ConversationListFilterInput],
        responses={200: ConversationOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = ConversationListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.conversation_list_for(
            actor=request.user,
            awaiting_reply=filters.validated_data["awaiting_reply"],
            subject_id=filters.validated_data["patient_id"],
        )
        # Sorted by waiting time, not by creation: limit/offset rather than a cursor.
        return paginate(
            queryset=queryset,
            serializer_class=_LazyConversationOutput,
            request=request,
            view=self,
            serializer_context={"viewer": request.user},
        )

    @extend_schema(
        tags=TAGS,
        request=ConversationOpenInput,
        responses={200: ConversationOutput, 201: ConversationOutput, **ERRORS_4XX},
    )
    def post(self, request: Request) -> Response:
        serializer = ConversationOpenInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("patient_id") is None and data.get("doctor_id") is None:
            raise InvalidInput(
                code="chat.counterpart_required",
                errors={"patient_id": ["A doctor gives patient_id, a patient gives doctor_id."]},
            )
        conversation, created = services.conversation_open(
            actor=request.user,
            kind=_v1_kind(),
            subject_id=data.get("patient_id"),
            counterpart_id=data.get("doctor_id"),
            topic=data["topic"],
            subject=data["subject"],
            reference_kind=data["reference_kind"],
            reference_id=data["reference_id"],
        )
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation.pk
        )
        return Response(
            _conversation_body(request.user, conversation),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class _LazyConversationOutput(ConversationOutput):
    """Looks up the presence of a whole page in one cache round trip."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        page = list(args[0]) if args else []
        context = kwargs.setdefault("context", {})
        context.update(_conversation_context(context["viewer"], page))
        return super().many_init(page, *args[1:], **kwargs)


class ConversationDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: ConversationOutput, 404: ERRORS_4XX[404]})
    def get(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
        services.conversation_record_read(
            actor=request.user, conversation=conversation, request=request._request
        )
        return Response(_conversation_body(request.user, conversation))

    @extend_schema(
        tags=TAGS,
        request=ConversationUpdateInput,
        responses={200: ConversationOutput, **ERRORS_4XX},
    )
    def patch(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
        serializer = ConversationUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation = services.conversation_update(
            actor=request.user, conversation=conversation, **serializer.validated_data
        )
        return Response(_conversation_body(request.user, conversation))


class MessageListApi(APIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        parameters=[MessageHistoryFilterInput],
        responses={200: MessageOutput(many=True), 404: ERRORS_4XX[404]},
    )
    def get(self, request: Request, conversation_id: UUID) -> Response:
        """History, newest first (cursor-paginated); `q` searches the texts.

        Four queries for a doctor's page (five when the page has edited messages): the
        conversation with both participants and their receipt settings, the care-team
        check, the audit INSERT, the page with files, replies and receipts joined (+ the
        edit history of the page's edited ones). A patient's page: two (no check, no audit).
        Card messages add one query per kind of record on the page (the policy's
        `render_cards`), however many cards.
        """
        conversation = selectors.conversation_for_messages(
            actor=request.user, conversation_id=conversation_id, with_receipt_settings=True
        )
        filters = MessageHistoryFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        services.conversation_record_read(
            actor=request.user, conversation=conversation, request=request._request
        )
        paginator = paginator_for(self)
        page = paginator.paginate_queryset(
            selectors.message_page_for(
                conversation=conversation, q=filters.validated_data["q"], viewer=request.user
            ),
            request,
            view=self,
        )
        messages = list(page or [])
        selectors.attach_senders(messages, conversation)
        staff = permissions.is_staff_reader(request.user, conversation)
        if staff:
            revisions = selectors.revisions_by_message(
                [m.pk for m in messages if m.edited_at is not None and m.deleted_at is None]
            )
            for message in messages:
                message.revisions_loaded = revisions.get(message.pk, [])
        receipts_off = selectors.receipts_off_of(conversation)
        cards = selectors.cards_for(
            conversation=conversation, messages=messages, viewer=request.user
        )
        return paginator.get_paginated_response(
            [
                payloads.message_data(
                    m,
                    staff=staff,
                    receipts_off=receipts_off,
                    conversation=conversation,
                    cards=cards,
                )
                for m in messages
            ]
        )

    @extend_schema(
        tags=TAGS,
        request={
            "application/json": MessageSendInput,
            "multipart/form-data": MessageSendInput,
        },
        responses={
            200: MessageOutput,
            201: MessageOutput,
            413: OpenApiResponse(description="chat.attachment_too_large, files.too_large"),
            **ERRORS_4XX,
        },
    )
    def post(self, request: Request, conversation_id: UUID) -> Response:
        """Send; a new message is answered with the payload its event carries (no re-read)."""
        conversation = selectors.conversation_for_messages(
            actor=request.user, conversation_id=conversation_id, with_users=False
        )
        data = MessageSendInput.validated(request.data)
        message, created = services.message_send(
            actor=request.user,
            conversation=conversation,
            text=data["text"],
            upload=data.get("file"),
            voice=data["voice"],
            duration_ms=data.get("duration_ms"),
            reply_to_id=data.get("reply_to"),
            client_id=data.get("client_id"),
            request=request._request,
        )
        body = getattr(message, "payload", None) if created else None
        if body is None:  # a retried client_id: the first message as it is now
            message = selectors.message_list_for(conversation=conversation).get(pk=message.pk)
            body = MessageOutput(message, context=_message_context(request.user, conversation)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MessageDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: MessageOutput, 404: ERRORS_4XX[404]})
    def get(self, request: Request, message_id: UUID) -> Response:
        """One message as the caller sees it now (a card with the caller's actions)."""
        return self._body(request, message_id)

    @extend_schema(
        tags=TAGS, request=MessageEditInput, responses={200: MessageOutput, **ERRORS_4XX}
    )
    def patch(self, request: Request, message_id: UUID) -> Response:
        """Edit the text of one's own message within the edit window (history kept)."""
        message = selectors.message_get_for(actor=request.user, message_id=message_id)
        serializer = MessageEditInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.message_edit(
            actor=request.user, message=message, text=serializer.validated_data["text"]
        )
        return self._body(request, message.pk)

    @extend_schema(tags=TAGS, request=None, responses={200: MessageOutput, **ERRORS_4XX})
    def delete(self, request: Request, message_id: UUID) -> Response:
        """Delete one's own message within the edit window (it shows as deleted)."""
        message = selectors.message_get_for(actor=request.user, message_id=message_id)
        services.message_delete(actor=request.user, message=message)
        return self._body(request, message.pk)

    def _body(self, request: Request, message_id: UUID) -> Response:
        message = selectors.message_get_for(actor=request.user, message_id=message_id)
        conversation = message.conversation
        message = selectors.message_list_for(conversation=conversation).get(pk=message_id)
        context = _message_context(request.user, conversation)
        context["cards"] = selectors.cards_for(
            conversation=conversation, messages=[message], viewer=request.user
        )
        return Response(MessageOutput(message, context=context).data)


class ConversationDeliveredApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: MarkedOutput, **ERRORS_4XX})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        """Messages to the caller reached a device (the client calls this on receipt)."""
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
        updated = services.conversation_mark_delivered(
            actor=request.user, conversation=conversation
        )
        return Response(
            {"updated": updated, "unread_total": selectors.unread_total_for(actor=request.user)}
        )


class ConversationReadApi(APIView):
    @extend_schema(tags=TAGS, request=MarkReadInput, responses={200: MarkedOutput, **ERRORS_4XX})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        """The caller read the conversation (up to `up_to`, default everything)."""
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
        serializer = MarkReadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        up_to = None
        if serializer.validated_data.get("up_to"):
            up_to = (
                selectors.message_list_for(conversation=conversation)
                .filter(pk=serializer.validated_data["up_to"])
                .first()
            )
            if up_to is None:
                raise NotFound()
        updated = services.conversation_mark_read(
            actor=request.user, conversation=conversation, up_to=up_to
        )
        return Response(
            {"updated": updated, "unread_total": selectors.unread_total_for(actor=request.user)}
        )


class UnreadApi(APIView):
    @extend_schema(tags=TAGS, responses={200: UnreadOutput})
    def get(self, request: Request) -> Response:
        return Response({"total": selectors.unread_total_for(actor=request.user)})


class SettingsApi(APIView):
    @extend_schema(tags=TAGS, responses={200: SettingsOutput})
    def get(self, request: Request) -> Response:
        chat_settings = selectors.settings_for(user=request.user)
        return Response({"read_receipts": chat_settings.read_receipts})

    @extend_schema(tags=TAGS, request=SettingsInput, responses={200: SettingsOutput})
    def put(self, request: Request) -> Response:
        serializer = SettingsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        chat_settings = services.settings_update(user=request.user, **serializer.validated_data)
        return Response({"read_receipts": chat_settings.read_receipts})


class CounterpartListApi(APIView):
    @extend_schema(tags=TAGS, responses={200: CounterpartOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Whom the caller may open a conversation with."""
        kind = policies.api_v1_kind()
        rows = selectors.counterparts_for(actor=request.user, kind=kind) if kind else []
        return Response(CounterpartOutput(rows, many=True).data)
