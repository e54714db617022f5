"""Single sign-on: OpenID Connect (Authlib) and SAML 2.0 (djangosaml2/pysaml2), several identity
providers at once, configured in ``TRYGG_SSO_PROVIDERS`` (settings/environment).

Roles and area scopes come from the provider's group claim/attribute through :class:`RoleMapping`
rows the administrator edits in the Django admin; memberships granted that way are re-computed at
every sign-in, so a group removed at the provider removes the role at the next login.
"""
