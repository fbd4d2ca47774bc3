from rest_framework import serializers

from ..models import Office


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A current 6-digit code of the account's authenticator app, or one of its recovery codes. "
        "Required for accounts with two-step verification.",
    )


class OfficeSerializer(serializers.ModelSerializer):
    country_name = serializers.CharField(read_only=True)

    class Meta:
        model = Office
        fields = ["id", "code", "name", "country", "country_name", "region"]
        read_only_fields = fields
