package org.lorapipe.charts;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A chart parsed as XML (which fails on anything not well-formed), with the few queries tests need.
 * In this module's test jar, for the tests of the reports that draw charts.
 */
public record SvgDocument(Document doc) {

    public static SvgDocument parse(String svg) {
        return parse(svg.getBytes(StandardCharsets.UTF_8));
    }

    public static SvgDocument parse(byte[] svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
            if (!doc.getDocumentElement().getTagName().equals("svg")) {
                throw new AssertionError(
                        "not an svg document: " + doc.getDocumentElement().getTagName());
            }
            return new SvgDocument(doc);
        } catch (Exception e) {
            throw new AssertionError(
                    "not well-formed XML: " + e.getMessage() + "\n" + new String(svg, StandardCharsets.UTF_8), e);
        }
    }

    public List<Element> elements(String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    public List<Element> withClass(String tag, String cssClass) {
        return elements(tag).stream()
                .filter(e -> e.getAttribute("class").equals(cssClass))
                .toList();
    }

    public long count(String tag, String cssClass) {
        return withClass(tag, cssClass).size();
    }

    public List<String> texts() {
        return elements("text").stream().map(Element::getTextContent).toList();
    }

    public double height() {
        return Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
    }
}
