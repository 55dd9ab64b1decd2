namespace Flujo.Templates;

/// <summary>A step input template failed to parse or render.</summary>
public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException(string message, Exception? inner = null) : base(message, inner) { }
}
