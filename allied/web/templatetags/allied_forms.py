"""Template helpers that give Django form controls the NHS.UK classes and ARIA links."""

from django import template

register = template.Library()

_CLASSES = {
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
}


@register.simple_tag
def nhsuk_control(field):
    """Returns the field's control rendered with NHS.UK classes, its error state, and
    aria-describedby pointing at its hint and error message."""
    widget_type = field.widget_type
    css = _CLASSES.get(widget_type, "nhsuk-input")
    if field.errors:
        css += f" {css}--error"
    attrs = {"class": f"{css} {field.field.widget.attrs.get('class', '')}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
