package com.shiftsync.backup.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Azure's region pairs, in one table: a geo-restore of a Flexible Server can only go to the
 * source region's pair ("After you configure your server with geo-redundant backup, you can
 * restore it to a geo-paired region"). From Microsoft's "Azure region pairs and nonpaired
 * regions" and "Azure regions list" (reliability docs, 2025), as region to its pair; some
 * pairs run one way only (Brazil South to South Central US, West India to South India, West
 * US 3 to East US, Brazil Southeast to Brazil South). infra/main.bicep keeps the same table
 * for the optional new server; InfraTemplateTest checks the two agree.
 */
public final class RegionPairs {
    private static final Map<String, String> PAIR = Map.ofEntries(
            Map.entry("australiacentral", "australiacentral2"), Map.entry("australiacentral2", "australiacentral"),
            Map.entry("australiaeast", "australiasoutheast"), Map.entry("australiasoutheast", "australiaeast"),
            Map.entry("brazilsouth", "southcentralus"), Map.entry("brazilsoutheast", "brazilsouth"),
            Map.entry("canadacentral", "canadaeast"), Map.entry("canadaeast", "canadacentral"),
            Map.entry("centralindia", "southindia"), Map.entry("southindia", "centralindia"),
            Map.entry("westindia", "southindia"),
            Map.entry("centralus", "eastus2"), Map.entry("eastus2", "centralus"),
            Map.entry("eastasia", "southeastasia"), Map.entry("southeastasia", "eastasia"),
            Map.entry("eastus", "westus"), Map.entry("westus", "eastus"), Map.entry("westus3", "eastus"),
            Map.entry("northcentralus", "southcentralus"), Map.entry("southcentralus", "northcentralus"),
            Map.entry("westus2", "westcentralus"), Map.entry("westcentralus", "westus2"),
            Map.entry("northeurope", "westeurope"), Map.entry("westeurope", "northeurope"),
            Map.entry("francecentral", "francesouth"), Map.entry("francesouth", "francecentral"),
            Map.entry("germanywestcentral", "germanynorth"), Map.entry("germanynorth", "germanywestcentral"),
            Map.entry("japaneast", "japanwest"), Map.entry("japanwest", "japaneast"),
            Map.entry("koreacentral", "koreasouth"), Map.entry("koreasouth", "koreacentral"),
            Map.entry("norwayeast", "norwaywest"), Map.entry("norwaywest", "norwayeast"),
            Map.entry("southafricanorth", "southafricawest"), Map.entry("southafricawest", "southafricanorth"),
            Map.entry("swedencentral", "swedensouth"),
            Map.entry("switzerlandnorth", "switzerlandwest"), Map.entry("switzerlandwest", "switzerlandnorth"),
            Map.entry("uaenorth", "uaecentral"), Map.entry("uaecentral", "uaenorth"),
            Map.entry("uksouth", "ukwest"), Map.entry("ukwest", "uksouth"));

    /** Regions Microsoft lists without a pair: no geo-redundant backup, so no geo-restore from them. */
    private static final Set<String> UNPAIRED = Set.of("austriaeast", "belgiumcentral", "chilecentral", "denmarkeast",
            "indonesiacentral", "israelcentral", "italynorth", "malaysiawest", "mexicocentral", "newzealandnorth",
            "polandcentral", "qatarcentral", "spaincentral");

    private RegionPairs() {
    }

    /** The pair of {@code region} ("westeurope" or "West Europe"), or empty when it has none or is unknown. */
    public static Optional<String> pairOf(String region) {
        return Optional.ofNullable(PAIR.get(normal(region)));
    }

    /** Whether Microsoft lists {@code region} as a region without a pair. */
    public static boolean unpaired(String region) {
        return UNPAIRED.contains(normal(region));
    }

    /** Every region with a pair, and its pair. */
    public static Map<String, String> all() {
        return PAIR;
    }

    private static String normal(String region) {
        return region == null ? "" : region.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
