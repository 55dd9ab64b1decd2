using System.Net;
using System.Net.Sockets;

namespace Flujo.Cli.Tests.Support;

/// <summary>Loopback ports no one listens on, for a local store of a test's own (<c>FLUJO_STORE_PORT</c>).</summary>
public static class FreePorts
{
    /// <summary>The first of three free consecutive ports (Azurite's blob, queue and table).</summary>
    public static int Range()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(port, 3).All(IsFree)) return port;
        }
        throw new InvalidOperationException("No three free consecutive ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
