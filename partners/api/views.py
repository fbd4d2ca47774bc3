from rest_framework import mixins, viewsets

from ..selectors import governments_visible_to, partners_visible_to
from .serializers import GovernmentSerializer, PartnerSerializer


class GovernmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GovernmentSerializer
    filterset_fields = ["country", "is_active"]

    def get_queryset(self):
        return governments_visible_to(self.request.user)


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PartnerSerializer
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return partners_visible_to(self.request.user)
