using Flujo.Registration;

namespace Flujo.Core.Tests.Definition;

/// <summary>A small catalog of the components the definition tests refer to.</summary>
internal static class TestCatalog
{
    public static ComponentCatalog Create() => new(
    [
        new ComponentRegistration(ComponentKind.Agent, "keyword_classifier"),
        new ComponentRegistration(ComponentKind.Agent, "template"),
        new ComponentRegistration(ComponentKind.Agent, "echo"),
        new ComponentRegistration(ComponentKind.Processor, "trim"),
        new ComponentRegistration(ComponentKind.Processor, "add_prefix"),
        new ComponentRegistration(ComponentKind.Processor, "strip_markdown_fences"),
        new ComponentRegistration(ComponentKind.Processor, "parse_json"),
        new ComponentRegistration(ComponentKind.Plugin, "required_keys"),
        new ComponentRegistration(ComponentKind.Plugin, "max_length"),
        new ComponentRegistration(ComponentKind.Validator, "json_schema"),
        new ComponentRegistration(ComponentKind.Validator, "not_empty"),
        new ComponentRegistration(ComponentKind.Tool, "lookup"),
    ],
    // echo stands in for a chat agent here: its 'tools' parameter names tools.
    [new ComponentNameParameter("echo", "tools", ComponentKind.Tool)]);
}
