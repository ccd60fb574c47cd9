using System.Globalization;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;

namespace XcpTunnel.Protocol.Xapi.Rpc;

// Turns what HttpClient, sockets and the connector throw into the library's exception family.
internal sealed partial class XapiRpcClient
{
    private static bool IsTransportException(Exception e) =>
        e is HttpRequestException or IOException or OperationCanceledException or SocketException or AuthenticationException;

    // Precedence: the connector's own exception (it knows best, e.g. an untrusted certificate), then the
    // caller's cancellation, then our deadline, then what the exception chain says.
    private Exception Translate(Exception e, string method, bool deadlineFired, CancellationToken callerToken)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is XcpTunnelException ours)
            {
                ExceptionDispatchInfo.Throw(ours);
            }
        }

        if (callerToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"The call of {method} on XAPI at {hostDisplay} was cancelled.", e, callerToken);
        }

        if (deadlineFired)
        {
            return new XapiTransportException(
                XapiTransportFailure.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"XAPI at {hostDisplay} did not answer {method} within {callTimeout.TotalSeconds:0.###} s"),
                e);
        }

        (XapiTransportFailure failure, string message) = Classify(e, method);
        return new XapiTransportException(failure, message, e);
    }

    private (XapiTransportFailure Failure, string Message) Classify(Exception e, string method)
    {
        string unreachable = $"cannot reach XAPI at {hostDisplay}";
        string broke = $"the connection to XAPI at {hostDisplay} broke during {method}";

        if (Find<SocketException>(e) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => (XapiTransportFailure.ConnectionRefused, $"{unreachable}: connection refused"),
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                    (XapiTransportFailure.NameResolution, $"{unreachable}: the host name does not resolve"),
                SocketError.TimedOut => (XapiTransportFailure.Timeout, $"{unreachable}: the TCP connection timed out"),
                SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown =>
                    (XapiTransportFailure.ConnectionLost, $"{unreachable}: the network is unreachable"),
                _ => (XapiTransportFailure.ConnectionLost, broke),
            };
        }

        if (Find<AuthenticationException>(e) is not null)
        {
            return (XapiTransportFailure.TlsHandshake, $"{unreachable}: the TLS handshake failed");
        }

        HttpRequestError? error = e switch
        {
            HttpRequestException request => request.HttpRequestError,
            HttpIOException io => io.HttpRequestError,
            _ => Find<HttpIOException>(e)?.HttpRequestError,
        };
        return error switch
        {
            HttpRequestError.NameResolutionError => (XapiTransportFailure.NameResolution, $"{unreachable}: the host name does not resolve"),
            HttpRequestError.SecureConnectionError => (XapiTransportFailure.TlsHandshake, $"{unreachable}: the TLS handshake failed"),
            HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.HttpProtocolError =>
                (XapiTransportFailure.MalformedReply, $"XAPI at {hostDisplay} answered {method} with something that is not HTTP/1.1"),
            HttpRequestError.ConnectionError when Find<IOException>(e) is null => (XapiTransportFailure.ConnectionLost, $"{unreachable}: the connection failed"),
            _ => (XapiTransportFailure.ConnectionLost, broke),
        };
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
