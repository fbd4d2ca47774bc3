from rest_framework import serializers

from ..models import Office


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class OfficeSerializer(serializers.ModelSerializer):
    country_name = serializers.CharField(read_only=True)

    class Meta:
        model = Office
        fields = ["id", "code", "name", "country", "country_name", "region"]
        read_only_fields = fields
