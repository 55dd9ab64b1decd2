namespace Flujo.Expressions;

/// <summary>An expression that does not parse or fails to evaluate; the message says which and why.</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException(string message, Exception? inner = null) : base(message, inner) { }
}
