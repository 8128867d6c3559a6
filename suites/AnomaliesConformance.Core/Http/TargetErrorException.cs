namespace AnomaliesConformance.Core.Http;

/// <summary>
/// The target did not give an answer the suite can judge (no connection, timeout, a body that is not the
/// JSON the contract promises). Tests failing with this get the verdict "target error", not "failed".
/// </summary>
public sealed class TargetErrorException(string message, Exchange? exchange, Exception? inner = null)
    : Exception(TargetErrorPrefix + message, inner)
{
    public const string TargetErrorPrefix = "TARGET ERROR: ";

    public Exchange? Exchange { get; } = exchange;
}
