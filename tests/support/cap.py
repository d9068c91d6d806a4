"""CAP 1.2 alerts as publishers write them, after the OASIS CAP 1.2 specification's own
examples (the NWS severe thunderstorm warning, with its polygon and SAME geocodes; the
earthquake Update) and the national publishers' habits (several <info> blocks, one per
language, as MeteoAlarm's members send; EMMA_ID and INSEE geocodes; circles)."""

from __future__ import annotations

from xml.sax.saxutils import escape

# the venue of the example: Microsoft France, Issy-les-Moulineaux
ISSY = (48.8245, 2.2637)
ISSY_POLYGON = "48.840,2.240 48.840,2.290 48.810,2.290 48.810,2.240 48.840,2.240"
MARSEILLE_POLYGON = "43.35,5.30 43.35,5.45 43.25,5.45 43.25,5.30 43.35,5.30"

# the specification's Appendix A.2 example, as the NWS sent it (translated only in time)
NWS_THUNDERSTORM = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>KSTO1055887203</identifier>
  <sender>KSTO@NWS.NOAA.GOV</sender>
  <sent>2003-06-17T14:57:00-07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Met</category>
    <event>SEVERE THUNDERSTORM</event>
    <responseType>Shelter</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <eventCode><valueName>SAME</valueName><value>SVR</value></eventCode>
    <expires>2003-06-17T16:00:00-07:00</expires>
    <senderName>NATIONAL WEATHER SERVICE SACRAMENTO CA</senderName>
    <headline>SEVERE THUNDERSTORM WARNING</headline>
    <description> AT 254 PM PDT...NATIONAL WEATHER SERVICE DOPPLER RADAR INDICATED A SEVERE THUNDERSTORM CAPABLE OF PRODUCING HAIL...</description>
    <instruction>TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.</instruction>
    <contact>BARUFFALDI/JUSKIE</contact>
    <area>
      <areaDesc>EXTREME NORTH CENTRAL TUOLUMNE COUNTY IN CALIFORNIA, EXTREME NORTHEASTERN CALAVERAS COUNTY IN CALIFORNIA, SOUTHWESTERN ALPINE COUNTY IN CALIFORNIA</areaDesc>
      <polygon>38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14</polygon>
      <geocode><valueName>SAME</valueName><value>006109</value></geocode>
      <geocode><valueName>SAME</valueName><value>006009</value></geocode>
      <geocode><valueName>SAME</valueName><value>006003</value></geocode>
    </area>
  </info>
</alert>
"""


def french_alert(
    identifier: str = "FR-VIGI-2026-11-30-001",
    *,
    msg_type: str = "Alert",
    status: str = "Actual",
    severity: str = "Severe",
    references: str = "",
    sent: str = "2026-11-30T09:00:00+01:00",
    expires: str = "2026-11-30T20:00:00+01:00",
    effective: str | None = None,
    area: str = f"<polygon>{ISSY_POLYGON}</polygon>",
    instruction: str = "Quittez le rez-de-chaussée et montez aux étages. Ne prenez pas votre véhicule.",
) -> str:
    """A French publisher's alert, in French and in English (MeteoAlarm's habit)."""
    refs = f"<references>{escape(references)}</references>" if references else ""
    starts = f"<effective>{effective}</effective>" if effective else ""

    def info(language: str, event: str, headline: str, description: str, said: str) -> str:
        return (
            f"<info><language>{language}</language><category>Met</category>"
            f"<event>{event}</event><urgency>Immediate</urgency><severity>{severity}</severity>"
            f"<certainty>Likely</certainty>{starts}<expires>{expires}</expires>"
            "<senderName>Préfecture des Hauts-de-Seine</senderName>"
            f"<headline>{headline}</headline><description>{description}</description>"
            f"<instruction>{said}</instruction>"
            f"<area><areaDesc>Issy-les-Moulineaux</areaDesc>{area}</area></info>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        f"<identifier>{identifier}</identifier><sender>pref92@interieur.gouv.fr</sender>"
        f"<sent>{sent}</sent><status>{status}</status><msgType>{msg_type}</msgType>"
        f"<scope>Public</scope>{refs}"
        + info("en-GB", "Flood", "Flood warning for Issy-les-Moulineaux",
               "The Seine is rising fast.", "Go to upper floors. Do not drive.")
        + info("fr-FR", "Inondation", "Vigilance crue sur Issy-les-Moulineaux",
               "La Seine monte rapidement en aval de Paris.", instruction)
        + "</alert>"
    )  # fmt: skip


def reference(sender: str, identifier: str, sent: str) -> str:
    return f"{sender},{identifier},{sent}"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>
"""


def atom_index(base: str, files: list[str]) -> str:
    """An Atom feed listing alerts, each entry linking to its CAP file (as the NWS and
    MeteoAlarm indexes do)."""
    entries = "".join(
        f"<entry><id>{base}/{name}</id><title>{name}</title><updated>2026-11-30T09:00:00+01:00</updated>"
        f'<link rel="alternate" type="application/cap+xml" href="{base}/{name}"/></entry>'
        for name in files
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Alertes</title><id>{base}/index.atom</id><updated>2026-11-30T09:00:00+01:00</updated>"
        f"{entries}</feed>"
    )
