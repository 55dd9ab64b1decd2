using System.Net.Sockets;
using System.Text;

namespace Flujo.Cli.Tests.Serve;

/// <summary>A response read off the wire: status, headers (last value wins) and the body (de-chunked).</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// HTTP/1.1 over a bare socket, for requests <see cref="HttpClient"/> refuses to send or rewrites: raw bytes in the target,
/// dot segments, any <c>Host</c>, broken framing.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <c>{method} {target} HTTP/1.1</c> with the given header lines (a <c>Host</c> is added unless one is given) and body.</summary>
    public static Task<RawResponse> SendAsync(Uri server, string method, byte[] target, IEnumerable<string>? headers = null, byte[]? body = null, bool contentLength = true)
    {
        var lines = (headers ?? []).ToList();
        if (!lines.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))) lines.Insert(0, $"Host: 127.0.0.1:{server.Port}");
        if (body is not null && contentLength) lines.Add($"Content-Length: {body.Length}");
        lines.Add("Connection: close");
        var head = Encoding.Latin1.GetBytes(string.Concat(lines.Select(l => l + "\r\n")) + "\r\n");
        byte[] request = [.. Encoding.ASCII.GetBytes(method + " "), .. target, .. " HTTP/1.1\r\n"u8, .. head, .. body ?? []];
        return SendBytesAsync(server, request);
    }

    public static Task<RawResponse> SendAsync(Uri server, string method, string target, IEnumerable<string>? headers = null, byte[]? body = null) =>
        SendAsync(server, method, Encoding.ASCII.GetBytes(target), headers, body);

    /// <summary>Writes <paramref name="request"/> as is and reads the answer until the server closes the connection.</summary>
    public static async Task<RawResponse> SendBytesAsync(Uri server, byte[] request)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, timeout.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server answered, then reset the connection (it does so after refusing a request it could not read).
        }
        return Parse(received.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP response head in: {text}");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = bytes.AsSpan(Encoding.Latin1.GetByteCount(text[..(end + 4)])).ToArray();
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0) break;
            output.Write(chunked, position, Math.Min(size, chunked.Length - position));
            position += size + 2;
        }
        return output.ToArray();
    }
}
