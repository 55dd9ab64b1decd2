namespace Flujo.Api.Http;

/// <summary>A request body or queue message is malformed; the message names the problem.</summary>
public class ApiRequestException : Exception
{
    public ApiRequestException(string message) : base(message) { }
}
