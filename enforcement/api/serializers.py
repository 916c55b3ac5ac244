"""Serializer helpers shared by every app's API."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from enforcement.models import Deadline


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The request body read by ``serializer_class``; a 400 in the API's shape when it does not hold."""
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class DeadlineOutput(serializers.Serializer):
    """For the schema: the shape of ``deadline_as_dict``."""

    id = serializers.IntegerField()
    node = serializers.CharField(help_text="Node type code, e.g. assign_judge, case_limit.")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Deadline.Status.choices)
    paused = serializers.BooleanField(help_text="A deducted period is running: the clock stands still.")
    anchor_at = serializers.DateTimeField()
    due_date = serializers.DateField(help_text="The last day of the period.")
    due_at = serializers.DateTimeField(help_text="Overdue from this moment (the start of the next day).")
    warn_at = serializers.DateTimeField()
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="How the due date was computed."
    )
