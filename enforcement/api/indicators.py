"""The supervision figures as JSON (the same nightly figures and access rule as ``/indicators/``)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied as ApiDenied
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..indicators.forms import IndicatorFilterForm
from ..indicators.scope import resolve_scope
from ..models import Case
from ..selectors import indicators as selectors


class FigureOutput(serializers.Serializer):
    numerator = serializers.DecimalField(max_digits=20, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=2)
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)


class TrendOutput(FigureOutput):
    month = serializers.CharField()


class IndicatorOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.ChoiceField(choices=["percent", "days"])
    definition = serializers.CharField()
    target = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    month = FigureOutput()
    year_to_date = FigureOutput()
    trend = TrendOutput(many=True)


class IndicatorsOutput(serializers.Serializer):
    court = serializers.IntegerField()
    team = serializers.IntegerField(allow_null=True)
    judge = serializers.IntegerField(allow_null=True)
    month = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    indicators = IndicatorOutput(many=True)


def _figure(figure: selectors.Figure, row: selectors.IndicatorRow) -> dict[str, object]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "value": figure.value(row.indicator),
    }


class IndicatorsApi(generics.GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = IndicatorsOutput

    @extend_schema(
        summary="The indicators of a court, team or judge: month, year to date and 12-month trend",
        parameters=[
            OpenApiParameter("court", OpenApiTypes.INT, description="Default: the caller's first court."),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("judge", OpenApiTypes.INT),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; default: this month."),
        ],
        responses={
            200: IndicatorsOutput,
            400: OpenApiResponse(description="A filter is invalid: the errors name it."),
            403: OpenApiResponse(description="Not signed in, or these figures are not yours to see."),
        },
    )
    def get(self, request: Request) -> Response:
        form = IndicatorFilterForm(request.query_params or None, user=request.user)
        if form.is_bound and not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        try:
            scope, month, money_only = resolve_scope(request.user, form)
        except PermissionDenied as error:
            raise ApiDenied(str(error)) from error
        found = selectors.overview(scope, month, money_only=money_only)
        data = {
            "court": scope.court_id,
            "team": scope.team_id,
            "judge": scope.judge_id,
            "month": f"{month:%Y-%m}",
            "computed_at": found.computed_at,
            "indicators": [
                {
                    "code": row.indicator.code,
                    "title": str(row.indicator.title),
                    "unit": row.indicator.unit,
                    "definition": row.definition,
                    "target": row.target,
                    "month": _figure(row.month, row),
                    "year_to_date": _figure(row.year, row),
                    "trend": [
                        {"month": f"{m:%Y-%m}", **_figure(f, row)}
                        for m, f in zip(row.months, row.trend, strict=True)
                    ],
                }
                for row in found.rows
            ],
        }
        return Response(IndicatorsOutput(data).data)
