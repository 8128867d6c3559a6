namespace AnomaliesConformance.Core;

/// <summary>The run's own configuration is wrong (an option, a file, a profile): exit code 2 with this message.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>The target could not be reached or set up: exit code 3.</summary>
public sealed class SetupException(string message, Exception? inner = null) : Exception(message, inner);
