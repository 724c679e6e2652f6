package dev.regionrouter.mockregion.http;

import dev.regionrouter.mockregion.config.SettingsStore;
import dev.regionrouter.mockregion.inference.OpenAiApi;
import dev.regionrouter.mockregion.inference.ReferenceApi;
import dev.regionrouter.mockregion.stats.RequestStats;

/** What every connection of one mock region shares (all thread-safe). */
record RegionServices(
    SettingsStore settings,
    RequestStats stats,
    Responses responses,
    ReferenceApi reference,
    OpenAiApi openAi,
    AdminApi admin) {}
