using System.Collections.Specialized;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;

namespace Flujo.Functions.Tests.Support;

/// <summary>An <see cref="HttpRequestData"/> with a body, headers and URL of the test's choosing.</summary>
public sealed class FakeHttpRequest : HttpRequestData
{
    public FakeHttpRequest(string method, string url, string? body = null, FunctionContext? context = null, bool sendContentLength = true)
        : this(method, url, body is null ? null : Encoding.UTF8.GetBytes(body), contentType: null, context, sendContentLength)
    {
    }

    /// <summary>A request with raw body bytes, a <c>Content-Type</c> (null: none) and, optionally, query values as the host parsed them.</summary>
    public FakeHttpRequest(string method, string url, byte[]? body, string? contentType, FunctionContext? context = null, bool sendContentLength = true, NameValueCollection? query = null)
        : base(context ?? FakeFunctionContext.Create())
    {
        Method = method;
        Url = new Uri(url);
        Body = new MemoryStream(body ?? []);
        if (body is not null && sendContentLength) Headers.Add("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (contentType is not null) Headers.TryAddWithoutValidation("Content-Type", contentType);
        _query = query;
    }

    private readonly NameValueCollection? _query;

    public override NameValueCollection Query => _query ?? base.Query;

    public override Stream Body { get; }
    public override HttpHeadersCollection Headers { get; } = new();
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];
    public override Uri Url { get; }
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];
    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new FakeHttpResponse(FunctionContext);
}

/// <summary>An <see cref="HttpResponseData"/> whose body can be read back.</summary>
public sealed class FakeHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override System.Net.HttpStatusCode StatusCode { get; set; }
    public override HttpHeadersCollection Headers { get; set; } = new();
    public override Stream Body { get; set; } = new MemoryStream();
    public override HttpCookies Cookies { get; } = new Mock<HttpCookies>().Object;

    public string ReadBody()
    {
        Body.Position = 0;
        return new StreamReader(Body).ReadToEnd();
    }

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

public static class FakeFunctionContext
{
    /// <summary>A function context with an invocation id and, optionally, trigger binding data (the queue message <c>Id</c>, ...).</summary>
    public static FunctionContext Create(IReadOnlyDictionary<string, object?>? bindingData = null)
    {
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(bindingData ?? new Dictionary<string, object?>());
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InvocationId).Returns(Guid.NewGuid().ToString());
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
        return context.Object;
    }
}
