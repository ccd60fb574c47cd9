using Microsoft.Extensions.Logging;

namespace XcpTunnel.Health;

internal static partial class HealthLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Health endpoint listening on {Addresses}")]
    public static partial void Listening(ILogger logger, IReadOnlyList<Uri> addresses);
}
