#include "nlp/analysis.h"

namespace haven::nlp {

std::string_view RiskCategoryName(RiskCategory c) {
  switch (c) {
    case RiskCategory::kSuicide: return "suicide";
    case RiskCategory::kSelfHarm: return "self_harm";
    case RiskCategory::kHarmToOthers: return "harm_to_others";
    case RiskCategory::kAbuse: return "abuse";
    case RiskCategory::kThirdParty: return "third_party";
    case RiskCategory::kMedical: return "medical";
    case RiskCategory::kSubstance: return "substance";
  }
  return "suicide";
}

std::string_view PiiTypeName(PiiType t) {
  switch (t) {
    case PiiType::kEmail: return "EMAIL";
    case PiiType::kPhone: return "PHONE";
    case PiiType::kUrl: return "URL";
    case PiiType::kIpAddress: return "IP_ADDRESS";
    case PiiType::kAddress: return "ADDRESS";
    case PiiType::kCreditCard: return "CREDIT_CARD";
    case PiiType::kUsSsn: return "US_SSN";
    case PiiType::kUkNhs: return "UK_NHS";
    case PiiType::kUkNino: return "UK_NINO";
    case PiiType::kDateOfBirth: return "DATE_OF_BIRTH";
    case PiiType::kPerson: return "PERSON";
    case PiiType::kLocation: return "LOCATION";
    case PiiType::kIban: return "IBAN";
  }
  return "PII";
}

}  // namespace haven::nlp
