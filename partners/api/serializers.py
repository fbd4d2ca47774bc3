from rest_framework import serializers

from ..models import Government, Partner


class GovernmentSerializer(serializers.ModelSerializer):
    country_name = serializers.CharField(read_only=True)

    class Meta:
        model = Government
        fields = ["id", "country", "country_name", "name", "is_active"]
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "code", "name", "kind", "is_active"]
        read_only_fields = fields
